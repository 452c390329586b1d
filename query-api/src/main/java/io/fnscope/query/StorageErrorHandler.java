package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.clickhouse.ClickHouseUnavailableException;
import io.fnscope.ops.ApiError;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ClickHouse failures as the API's users should see them. A query stopped by its own bounds (time or memory) is
 * the caller's to fix by asking for less: 503 naming the bound. ClickHouse unreachable: 503, try again. Anything
 * else is a bug (ours or the schema's): logged with ClickHouse's message, answered 500 without it (it may quote
 * SQL or other tenants' table names).
 */
@Produces
@Singleton
@Requires(property = "fnscope.query.enabled", notEquals = "false")
class StorageErrorHandler implements ExceptionHandler<ClickHouseException, HttpResponse<ApiError>> {
    private static final Logger LOG = LoggerFactory.getLogger(StorageErrorHandler.class);
    /** ClickHouse's TIMEOUT_EXCEEDED, TOO_SLOW (estimated to exceed the timeout), MEMORY_LIMIT_EXCEEDED. */
    private static final int TIMEOUT_EXCEEDED = 159;
    private static final int TOO_SLOW = 160;
    private static final int MEMORY_LIMIT_EXCEEDED = 241;

    private final QuerySettings settings;

    StorageErrorHandler(QuerySettings settings) {
        this.settings = settings;
    }

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, ClickHouseException e) {
        String message = switch (e.code()) {
            case TIMEOUT_EXCEEDED, TOO_SLOW -> "the query needed more than fnscope.query.query-timeout ("
                    + settings.queryTimeout() + "); ask for a shorter time range or add filters";
            case MEMORY_LIMIT_EXCEEDED -> "the query needed more memory than fnscope.query.max-memory ("
                    + settings.maxMemory() + " bytes); ask for a shorter time range or add filters";
            default -> null;
        };
        if (message != null) {
            LOG.info("{} {}: {}", request.getMethod(), request.getPath(), message);
            return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).body(new ApiError(message));
        }
        if (e instanceof ClickHouseUnavailableException && e.isRetryable()) {
            LOG.warn("{} {}: ClickHouse is unavailable: {}", request.getMethod(), request.getPath(), e.getMessage());
            return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header("Retry-After", "5")
                    .body(new ApiError("the telemetry store is unavailable; retry in a few seconds"));
        }
        LOG.error("{} {} failed in ClickHouse", request.getMethod(), request.getPath(), e);
        return HttpResponse.<ApiError>status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(new ApiError("internal error while reading telemetry (logged)"));
    }
}
