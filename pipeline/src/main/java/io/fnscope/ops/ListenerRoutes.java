package io.fnscope.ops;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Keeps each port to its own routes when one process serves several (the all-in-one): OTLP/HTTP and Lambda
 * telemetry ({@code /v1/...}) only on the collector port, the REST API and UI only on the API port; {@code /health}
 * and {@code /metrics} on every port. Micronaut serves all routes on every listener, so without this the API would
 * also answer on 4318 and ingest on 8080.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ListenerRoutes {
    private final int collectorPort;
    private final int apiPort;

    public ListenerRoutes(@Value("${fnscope.collector.http-port:4318}") int collectorPort,
                          @Value("${fnscope.query.http-port:8080}") int apiPort) {
        this.collectorPort = collectorPort;
        this.apiPort = apiPort;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> route(HttpRequest<?> request) {
        if (collectorPort == apiPort || request.getServerAddress() == null) {
            return null;
        }
        String path = request.getPath();
        if (path.equals("/health") || path.startsWith("/health/") || path.equals("/metrics")) {
            return null;
        }
        int port = request.getServerAddress().getPort();
        boolean ingestPath = path.startsWith("/v1/");
        if ((ingestPath && port != collectorPort) || (!ingestPath && port == collectorPort)) {
            return HttpResponse.status(HttpStatus.NOT_FOUND).body(new ApiError("no route " + path + " on port "
                    + port + ": telemetry (/v1/...) goes to port " + collectorPort + ", the API to port " + apiPort));
        }
        return null;
    }

    /** Runs before authentication and routing-level filters. */
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
