package io.fnscope.collector;

import com.google.rpc.Code;
import io.fnscope.collector.CollectorMetrics.Transport;
import io.fnscope.ops.ErrorBodies;
import io.fnscope.pipeline.Signal;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.server.exceptions.NotAllowedException;
import io.netty.handler.codec.compression.DecompressionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * OTLP/HTTP ({@code /v1/traces}, {@code /v1/metrics}, {@code /v1/logs}) and Lambda Telemetry API batches
 * ({@code /v1/lambda/telemetry}) on the OTLP port. {@link IngestFilter} has already checked credentials, content type
 * and size; this only translates between HTTP and {@link Ingest}. It runs on the event loop and answers when Kafka
 * has acknowledged the data.
 */
@Controller
@Requires(property = "fnscope.collector.enabled", notEquals = "false")
class OtlpHttpController {
    private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpController.class);
    private static final byte[] EMPTY = new byte[0];

    private final Ingest ingest;
    private final CollectorMetrics metrics;

    OtlpHttpController(Ingest ingest, CollectorMetrics metrics) {
        this.ingest = ingest;
        this.metrics = metrics;
    }

    @Post(uri = "/v1/traces", consumes = MediaType.ALL, produces = MediaType.ALL)
    CompletableFuture<MutableHttpResponse<byte[]>> traces(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return otlp(Signal.TRACES, request, body);
    }

    @Post(uri = "/v1/metrics", consumes = MediaType.ALL, produces = MediaType.ALL)
    CompletableFuture<MutableHttpResponse<byte[]>> metrics(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return otlp(Signal.METRICS, request, body);
    }

    @Post(uri = "/v1/logs", consumes = MediaType.ALL, produces = MediaType.ALL)
    CompletableFuture<MutableHttpResponse<byte[]>> logs(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return otlp(Signal.LOGS, request, body);
    }

    @Post(uri = "/v1/lambda/telemetry", consumes = MediaType.ALL, produces = MediaType.ALL)
    CompletableFuture<MutableHttpResponse<byte[]>> lambda(HttpRequest<?> request, @Nullable @Body byte[] body) {
        long started = started(request);
        return ingest.lambda(tenant(request), name -> request.getHeaders().get(name), body == null ? EMPTY : body)
                .thenApply(outcome -> {
                    metrics.request(Transport.HTTP, Signal.LAMBDA_PLATFORM, outcome.tag(), System.nanoTime() - started);
                    return HttpAnswers.lambda(outcome);
                });
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> otlp(Signal signal, HttpRequest<?> request, byte[] body) {
        long started = started(request);
        boolean json = json(request);
        return ingest.otlp(tenant(request), signal, body == null ? EMPTY : body, json, Transport.HTTP)
                .thenApply(outcome -> {
                    metrics.request(Transport.HTTP, signal, outcome.tag(), System.nanoTime() - started);
                    return HttpAnswers.otlp(outcome, signal, json);
                });
    }

    /**
     * A body that grows past Micronaut's limits while being read or decompressed ({@code max-request-size},
     * {@code max-request-buffer-size}): chunked bodies without Content-Length and gzip bombs end here.
     */
    @Error(exception = ContentLengthExceededException.class)
    MutableHttpResponse<byte[]> tooLarge(HttpRequest<?> request, ContentLengthExceededException e) {
        return bodyTooLarge(request, e);
    }

    @Error(exception = BufferLengthExceededException.class)
    MutableHttpResponse<byte[]> bufferTooLarge(HttpRequest<?> request, BufferLengthExceededException e) {
        return bodyTooLarge(request, e);
    }

    private MutableHttpResponse<byte[]> bodyTooLarge(HttpRequest<?> request, RuntimeException e) {
        return answer(request, HttpStatus.REQUEST_ENTITY_TOO_LARGE, Code.RESOURCE_EXHAUSTED, "too_large",
                "the request body is larger than the collector reads (more than " + ingestMaxBytes()
                        + " bytes, fnscope.collector.max-request-bytes, once decompressed); export smaller batches");
    }

    /**
     * A body that is not the gzip (or deflate) its {@code Content-Encoding} announces, found while the transport
     * decompresses it: the sender's fault, and the same bytes would fail again, so 400 (not retried), not 500.
     */
    @Error(exception = DecompressionException.class)
    MutableHttpResponse<byte[]> notCompressed(HttpRequest<?> request, DecompressionException e) {
        String encoding = request.getHeaders().get(HttpHeaders.CONTENT_ENCODING, String.class).orElse("gzip").trim();
        return answer(request, HttpStatus.BAD_REQUEST, Code.INVALID_ARGUMENT, "invalid", "the body is not valid "
                + encoding + " (Content-Encoding " + encoding + "): " + e.getMessage());
    }

    /**
     * What Micronaut refuses before the controller runs (a GET on an ingest path: 405 with {@code Allow}) keeps its
     * status; anything else unexpected is logged and answered 500 with no internals.
     */
    @Error
    MutableHttpResponse<byte[]> failed(HttpRequest<?> request, Throwable e) {
        if (e instanceof HttpStatusException refused && refused.getStatus().getCode() < 500) {
            MutableHttpResponse<byte[]> r = answer(request, refused.getStatus(), refused instanceof NotAllowedException
                    ? Code.UNIMPLEMENTED : Code.INVALID_ARGUMENT, "invalid", refused.getMessage());
            return refused instanceof NotAllowedException n ? r.header(HttpHeaders.ALLOW, ErrorBodies.allow(n)) : r;
        }
        LOG.error("Ingest request {} failed", request.getPath(), e);
        return answer(request, HttpStatus.INTERNAL_SERVER_ERROR, Code.INTERNAL, "error",
                "internal error in the collector (logged); retry later");
    }

    /** A request answered before its body reached the ingest path: counted under {@code outcome}. */
    private MutableHttpResponse<byte[]> answer(HttpRequest<?> request, HttpStatus status, Code code, String outcome,
                                               String message) {
        IngestEndpoint endpoint = IngestEndpoint.of(request.getPath());
        Signal signal = endpoint == null ? Signal.TRACES : endpoint.signal;
        long started = started(request); // before "now": a request that never reached the filter starts now
        metrics.request(Transport.HTTP, signal, outcome, System.nanoTime() - started);
        return HttpAnswers.early(status, code, message, null, endpoint != null && endpoint.lambda(), json(request));
    }

    private int ingestMaxBytes() {
        return ingest.maxRequestBytes();
    }

    private static boolean json(HttpRequest<?> request) {
        return !request.getContentType().map(MediaType::getName).orElse("").equals(HttpAnswers.PROTOBUF);
    }

    private static String tenant(HttpRequest<?> request) {
        return request.getAttribute(IngestFilter.TENANT, String.class)
                .orElseThrow(() -> new IllegalStateException("IngestFilter did not run for " + request.getPath()));
    }

    private static long started(HttpRequest<?> request) {
        return request.getAttribute(IngestFilter.STARTED, Long.class).orElseGet(System::nanoTime);
    }
}
