package io.fnscope.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.fnscope.pipeline.lambda.LambdaFunction;
import io.fnscope.pipeline.lambda.LambdaPlatformBatch;
import io.fnscope.pipeline.lambda.LambdaPlatformCodec;
import io.fnscope.pipeline.lambda.PlatformEvent;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Fixtures of the writer's tests: ids, spans, Lambda platform batches, Kafka records with the collector's headers. */
final class TestObjects {
    /** An hour ago, on a whole minute: recent enough for every TTL, fixed for a test run. */
    static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minusSeconds(3600);
    static final long T0_NANOS = T0.getEpochSecond() * 1_000_000_000L;
    static final ObjectMapper JSON = new ObjectMapper();

    private TestObjects() {
    }

    static ByteString traceId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return ByteString.copyFrom(b);
    }

    static ByteString spanId() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return ByteString.copyFrom(b);
    }

    static String hex(ByteString b) {
        return HexFormat.of().withUpperCase().formatHex(b.toByteArray());
    }

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue attr(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    static KeyValue attr(String key, boolean value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setBoolValue(value)).build();
    }

    static KeyValue attr(String key, double value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(value)).build();
    }

    /** A Lambda function's resource, as the OTel Lambda layer describes it. */
    static Resource lambdaResource(String function, String region, String arch, int memoryMb) {
        return Resource.newBuilder()
                .addAttributes(attr("service.name", function))
                .addAttributes(attr("faas.name", function))
                .addAttributes(attr("faas.version", "$LATEST"))
                .addAttributes(attr("faas.max_memory", memoryMb * 1_048_576L))
                .addAttributes(attr("faas.instance", "2026/11/23/[$LATEST]8f3a1c"))
                .addAttributes(attr("cloud.provider", "aws"))
                .addAttributes(attr("cloud.platform", "aws_lambda"))
                .addAttributes(attr("cloud.region", region))
                .addAttributes(attr("cloud.account.id", "123456789012"))
                .addAttributes(attr("host.arch", arch))
                .addAttributes(attr("telemetry.sdk.language", "java"))
                .build();
    }

    static Resource serviceResource(String service) {
        return Resource.newBuilder().addAttributes(attr("service.name", service)).build();
    }

    /** A SERVER span of {@code durationMs} starting at {@code startNanos}. */
    static Span.Builder serverSpan(ByteString traceId, String name, long startNanos, long durationMs) {
        return Span.newBuilder()
                .setTraceId(traceId)
                .setSpanId(spanId())
                .setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(startNanos)
                .setEndTimeUnixNano(startNanos + durationMs * 1_000_000L)
                .setStatus(Status.newBuilder());
    }

    static ExportTraceServiceRequest request(Resource resource, Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(resource)
                .addScopeSpans(ScopeSpans.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.aws-lambda").setVersion("2.10.0"))
                        .addAllSpans(List.of(spans)))).build();
    }

    static LambdaFunction function(String name) {
        return new LambdaFunction(name, "$LATEST", "us-east-1", "arm64", 512, "123456789012", "2026/11/23/[$LATEST]8f3a1c");
    }

    static PlatformEvent start(Instant time, String requestId, String xrayRoot) {
        ObjectNode r = JSON.createObjectNode();
        r.put("requestId", requestId);
        r.put("version", "$LATEST");
        if (xrayRoot != null) {
            ObjectNode t = r.putObject("tracing");
            t.put("type", "X-Amzn-Trace-Id");
            t.put("value", "Root=" + xrayRoot + ";Parent=53995c3f42cd8ad8;Sampled=1");
        }
        return new PlatformEvent(time, PlatformEvent.START, r);
    }

    static PlatformEvent runtimeDone(Instant time, String requestId, String status, double durationMs) {
        ObjectNode r = JSON.createObjectNode();
        r.put("requestId", requestId);
        r.put("status", status);
        r.putObject("metrics").put("durationMs", durationMs);
        return new PlatformEvent(time, PlatformEvent.RUNTIME_DONE, r);
    }

    static PlatformEvent report(Instant time, String requestId, String status, double durationMs, long billedMs,
                                int memoryMb, int usedMb, Double initMs) {
        ObjectNode r = JSON.createObjectNode();
        r.put("requestId", requestId);
        r.put("status", status);
        ObjectNode m = r.putObject("metrics");
        m.put("durationMs", durationMs);
        m.put("billedDurationMs", billedMs);
        m.put("memorySizeMB", memoryMb);
        m.put("maxMemoryUsedMB", usedMb);
        if (initMs != null) {
            m.put("initDurationMs", initMs);
        }
        return new PlatformEvent(time, PlatformEvent.REPORT, r);
    }

    static byte[] platform(LambdaFunction fn, PlatformEvent... events) {
        return LambdaPlatformCodec.write(new LambdaPlatformBatch(fn, List.of(events)));
    }

    /** A record as the collector writes it. */
    static ProducerRecord<byte[], byte[]> record(String topic, String tenant, Signal signal, byte[] value, int items) {
        String type = signal == Signal.LAMBDA_PLATFORM ? TelemetryHeaders.JSON : TelemetryHeaders.PROTOBUF;
        TelemetryHeaders h = new TelemetryHeaders(tenant, signal, type, UUID.randomUUID(), System.currentTimeMillis(), items);
        return new ProducerRecord<>(topic, null, (byte[]) null, value, h.toKafka());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
