package io.fnscope.query;

import io.fnscope.ops.ApiError;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Every {@link BadRequestException} becomes 400 {@code {"error": "<its message>"}}. */
@Produces
@Singleton
@Requires(property = "fnscope.query.enabled", notEquals = "false")
@Requires(classes = {BadRequestException.class, ExceptionHandler.class})
class BadRequestHandler implements ExceptionHandler<BadRequestException, HttpResponse<ApiError>> {

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, BadRequestException exception) {
        return HttpResponse.badRequest(new ApiError(exception.getMessage()));
    }
}
