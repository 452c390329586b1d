package io.fnscope.collector;

import com.google.rpc.Code;
import io.fnscope.collector.CollectorMetrics.Transport;
import io.fnscope.tenancy.Credentials;
import io.fnscope.tenancy.Role;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.Locale;
import java.util.Set;

/**
 * Everything about an ingest request that can be decided from its headers, decided before its body is read:
 * credentials (401/403), content type and encoding (415), declared size (413), and whether the collector can take
 * data at all right now (503 while Kafka is known down, the in-flight budget is spent, or it shuts down). So a
 * request that will be refused never costs the collector its body's memory.
 */
@ServerFilter("/v1/**")
@Requires(property = "fnscope.collector.enabled", notEquals = "false")
class IngestFilter implements Ordered {
    static final String TENANT = "fnscope.tenant";
    static final String STARTED = "fnscope.started";
    private static final Set<String> ENCODINGS = Set.of("identity", "gzip", "x-gzip", "deflate", "x-deflate");

    private final Credentials credentials;
    private final Ingest ingest;
    private final CollectorMetrics metrics;
    private final int maxRequestBytes;

    IngestFilter(Credentials credentials, Ingest ingest, CollectorMetrics metrics, CollectorSettings settings) {
        this.credentials = credentials;
        this.ingest = ingest;
        this.metrics = metrics;
        this.maxRequestBytes = settings.maxRequestBytes();
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        IngestEndpoint endpoint = IngestEndpoint.of(request.getPath());
        if (endpoint == null || request.getMethod() != HttpMethod.POST) {
            return null;
        }
        long started = System.nanoTime();
        request.setAttribute(STARTED, started);
        String contentType = request.getContentType().map(MediaType::getName).orElse(null);
        boolean json = contentType == null || !contentType.equals(HttpAnswers.PROTOBUF);

        Credentials.Result auth = credentials.authenticate(request.getHeaders().get("Authorization"), Role.INGEST);
        if (!auth.ok()) {
            boolean forbidden = auth.failure() == Credentials.Failure.FORBIDDEN;
            String message = forbidden
                    ? "this key is not an ingest key; send telemetry with a key of role ingest"
                    : auth.message();
            MutableHttpResponse<byte[]> r = HttpAnswers.early(forbidden ? HttpStatus.FORBIDDEN : HttpStatus.UNAUTHORIZED,
                    forbidden ? Code.PERMISSION_DENIED : Code.UNAUTHENTICATED, message, null, endpoint.lambda(), json);
            if (!forbidden) {
                r.header("WWW-Authenticate", "Bearer");
            }
            return answered(endpoint, forbidden ? "forbidden" : "unauthenticated", started, r);
        }
        request.setAttribute(TENANT, auth.principal().tenant());

        boolean typeOk = endpoint.lambda() ? HttpAnswers.JSON.equals(contentType)
                : HttpAnswers.JSON.equals(contentType) || HttpAnswers.PROTOBUF.equals(contentType);
        if (!typeOk) {
            String expected = endpoint.lambda() ? "application/json" : "application/x-protobuf or application/json";
            String message = contentType == null ? "the Content-Type header is missing; send " + expected
                    : "Content-Type " + contentType + " is not supported; send " + expected;
            return answered(endpoint, "unsupported_media_type", started, HttpAnswers.early(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE, Code.INVALID_ARGUMENT, message, null, endpoint.lambda(), true));
        }
        String encoding = request.getHeaders().get("Content-Encoding");
        if (encoding != null && !ENCODINGS.contains(encoding.trim().toLowerCase(Locale.ROOT))) {
            return answered(endpoint, "unsupported_media_type", started, HttpAnswers.early(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE, Code.INVALID_ARGUMENT, "Content-Encoding " + encoding.trim()
                            + " is not supported; send gzip or uncompressed bodies", null, endpoint.lambda(), json));
        }
        long length = request.getContentLength();
        if (length > maxRequestBytes) {
            Outcome o = ingest.tooLarge(length, "(Content-Length)");
            return answered(endpoint, o.tag(), started, HttpAnswers.early(HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                    Code.RESOURCE_EXHAUSTED, ((Outcome.TooLarge) o).message(), null, endpoint.lambda(), json));
        }
        Outcome unavailable = ingest.unavailableNow();
        if (unavailable != null) {
            return answered(endpoint, unavailable.tag(), started, endpoint.lambda() ? HttpAnswers.lambda(unavailable)
                    : HttpAnswers.otlp(unavailable, endpoint.signal, json));
        }
        return null;
    }

    private HttpResponse<?> answered(IngestEndpoint endpoint, String outcome, long started, HttpResponse<?> response) {
        metrics.request(Transport.HTTP, endpoint.signal, outcome, System.nanoTime() - started);
        return response;
    }

    /** After {@code ListenerRoutes} (which keeps /v1 on the OTLP port), before routing. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
