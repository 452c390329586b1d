package io.fnscope.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.fnscope.pipeline.Signal;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * OTLP/HTTP answers as the specification defines them: the export response (with partial success) on 200, and a
 * {@code google.rpc.Status} on errors, both in the request's encoding (protobuf or JSON); {@code Retry-After} and a
 * {@code RetryInfo} detail on 429 and 503. Lambda telemetry answers are JSON (docs/sending-telemetry.md).
 */
final class HttpAnswers {
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpAnswers() {
    }

    static MutableHttpResponse<byte[]> otlp(Outcome outcome, Signal signal, boolean json) {
        return switch (outcome) {
            case Outcome.Accepted a -> body(HttpResponse.ok(), json, exportResponse(signal, a));
            case Outcome.Invalid i -> status(HttpStatus.BAD_REQUEST, json, Code.INVALID_ARGUMENT, i.message(), null);
            case Outcome.TooLarge t -> status(HttpStatus.REQUEST_ENTITY_TOO_LARGE, json, Code.RESOURCE_EXHAUSTED, t.message(), null);
            case Outcome.RateLimited r -> status(HttpStatus.TOO_MANY_REQUESTS, json, Code.RESOURCE_EXHAUSTED, r.message(), r.retryAfter());
            case Outcome.Unavailable u -> status(HttpStatus.SERVICE_UNAVAILABLE, json, Code.UNAVAILABLE, u.message(), u.retryAfter());
        };
    }

    static MutableHttpResponse<byte[]> lambda(Outcome outcome) {
        ObjectNode o = MAPPER.createObjectNode();
        MutableHttpResponse<byte[]> r;
        switch (outcome) {
            case Outcome.Accepted a -> {
                o.put("accepted", a.accepted());
                o.put("rejected", a.rejected());
                o.putPOJO("errors", a.errors());
                r = HttpResponse.ok();
            }
            case Outcome.Invalid i -> {
                o.put("error", i.message());
                if (!i.errors().isEmpty()) {
                    o.putPOJO("errors", i.errors());
                }
                r = HttpResponse.status(HttpStatus.BAD_REQUEST);
            }
            case Outcome.TooLarge t -> {
                o.put("error", t.message());
                r = HttpResponse.status(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
            }
            case Outcome.RateLimited rl -> {
                o.put("error", rl.message());
                r = HttpResponse.<byte[]>status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", seconds(rl.retryAfter()));
            }
            case Outcome.Unavailable u -> {
                o.put("error", u.message());
                r = HttpResponse.<byte[]>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", seconds(u.retryAfter()));
            }
        }
        return r.contentType(JSON).body(o.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** An error answer for either endpoint kind, before the body was read (401, 403, 413, 415, 503). */
    static MutableHttpResponse<byte[]> early(HttpStatus status, Code code, String message, Duration retryAfter,
                                             boolean lambda, boolean json) {
        if (lambda) {
            ObjectNode o = MAPPER.createObjectNode().put("error", message);
            MutableHttpResponse<byte[]> r = HttpResponse.status(status);
            if (retryAfter != null) {
                r.header("Retry-After", seconds(retryAfter));
            }
            return r.contentType(JSON).body(o.toString().getBytes(StandardCharsets.UTF_8));
        }
        return status(status, json, code, message, retryAfter);
    }

    static MutableHttpResponse<byte[]> status(HttpStatus status, boolean json, Code code, String message, Duration retryAfter) {
        com.google.rpc.Status.Builder s = com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message);
        MutableHttpResponse<byte[]> r = HttpResponse.status(status);
        if (retryAfter != null) {
            s.addDetails(Any.pack(RetryInfo.newBuilder()
                    .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(Math.max(1, retryAfter.toSeconds())))
                    .build()));
            r.header("Retry-After", seconds(retryAfter));
        }
        return body(r, json, s.build());
    }

    private static MutableHttpResponse<byte[]> body(MutableHttpResponse<byte[]> r, boolean json, Message m) {
        return json
                ? r.contentType(JSON).body(OtlpJson.print(m).getBytes(StandardCharsets.UTF_8))
                : r.contentType(PROTOBUF).body(m.toByteArray());
    }

    /** The export response, with partial success when items were rejected or data was changed (a warning). */
    static Message exportResponse(Signal signal, Outcome.Accepted a) {
        boolean partial = a.rejected() > 0 || a.message() != null;
        String message = a.message() == null ? "" : a.message();
        return switch (signal) {
            case TRACES -> partial ? ExportTraceServiceResponse.newBuilder().setPartialSuccess(ExportTracePartialSuccess
                    .newBuilder().setRejectedSpans(a.rejected()).setErrorMessage(message)).build()
                    : ExportTraceServiceResponse.getDefaultInstance();
            case METRICS -> partial ? ExportMetricsServiceResponse.newBuilder().setPartialSuccess(ExportMetricsPartialSuccess
                    .newBuilder().setRejectedDataPoints(a.rejected()).setErrorMessage(message)).build()
                    : ExportMetricsServiceResponse.getDefaultInstance();
            case LOGS -> partial ? ExportLogsServiceResponse.newBuilder().setPartialSuccess(ExportLogsPartialSuccess
                    .newBuilder().setRejectedLogRecords(a.rejected()).setErrorMessage(message)).build()
                    : ExportLogsServiceResponse.getDefaultInstance();
            case LAMBDA_PLATFORM -> throw new IllegalArgumentException("Lambda answers are not OTLP");
        };
    }

    private static String seconds(Duration d) {
        return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
    }

}
