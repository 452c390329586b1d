package io.fnscope.ops;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.NotAllowedException;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.TreeSet;

/**
 * The body of the errors Micronaut answers itself (no such route, method not allowed, a malformed URI, an exception
 * no handler took) in the shape of every other error of fnscope's HTTP ports: {@code {"error": "..."}}, instead of
 * Micronaut's HATEOAS document ({@code _links}, {@code _embedded.errors}). A client then reads one shape whatever
 * went wrong. An unexpected exception's message is not sent (it can quote internals); Micronaut logs it.
 */
@Singleton
@Primary
public final class ErrorBodies implements JsonErrorResponseBodyProvider<ApiError> {

    /** The {@code Allow} header of a 405, for the handlers that answer it in their own body shape. */
    public static String allow(NotAllowedException e) {
        return String.join(", ", new TreeSet<>(e.getAllowedMethods()));
    }

    @Override
    public ApiError body(ErrorContext context, HttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String method = context.getRequest().getMethodName();
        String path = context.getRequest().getPath();
        if (status == HttpStatus.NOT_FOUND && genericMessage(context, "Page Not Found")) {
            return new ApiError("no such endpoint: " + method + " " + path);
        }
        if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE && genericMessage(context, "Request Entity Too Large")) {
            // Netty refused the request line or headers before any handler ran (bodies have their own messages).
            return new ApiError("the request line or headers are longer than this server reads"
                    + " (micronaut.server.netty.max-initial-line-length, max-header-size); shorten the query");
        }
        if (status.getCode() >= 500) {
            return new ApiError("internal error (logged); retry later or report it");
        }
        return new ApiError(context.hasErrors() ? context.getErrors().stream().map(Error::getMessage)
                .reduce((a, b) -> a + "; " + b).orElseThrow() : status.getReason());
    }

    /** No message, or Micronaut's stock one that only repeats the status: fnscope's says more. */
    private static boolean genericMessage(ErrorContext context, String stock) {
        return !context.hasErrors() || stock.equals(context.getErrors().getFirst().getMessage());
    }
}
