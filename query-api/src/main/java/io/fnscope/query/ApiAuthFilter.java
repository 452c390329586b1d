package io.fnscope.query;

import io.fnscope.ops.ApiError;
import io.fnscope.tenancy.Credentials;
import io.fnscope.tenancy.Role;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * The one credential check of the API: every {@code /api/**} request but the OpenAPI document needs a viewer or
 * admin token. Missing or unknown token: 401; an ingest key: 403. The principal goes into the request's attributes,
 * where each endpoint takes its tenant from ({@link #PRINCIPAL}); no endpoint reads the header itself.
 */
@ServerFilter("/api/**")
@Requires(property = "fnscope.query.enabled", notEquals = "false")
public class ApiAuthFilter implements Ordered {
    public static final String PRINCIPAL = "fnscope.principal";

    private final Credentials credentials;

    ApiAuthFilter(Credentials credentials) {
        this.credentials = credentials;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (request.getPath().equals(OpenApiController.PATH)) {
            return null;
        }
        Credentials.Result auth = credentials.authenticate(request.getHeaders().get("Authorization"), Role.VIEWER);
        if (auth.ok()) {
            request.setAttribute(PRINCIPAL, auth.principal());
            return null;
        }
        if (auth.failure() == Credentials.Failure.FORBIDDEN) {
            return HttpResponse.status(HttpStatus.FORBIDDEN)
                    .body(new ApiError("this key may not read the API; use a token of role viewer or admin"));
        }
        return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                .header("WWW-Authenticate", "Bearer")
                .body(new ApiError(auth.message()));
    }

    /** After {@code ListenerRoutes} (which keeps /api off the collector port), before routing. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
