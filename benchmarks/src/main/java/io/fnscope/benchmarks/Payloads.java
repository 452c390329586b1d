package io.fnscope.benchmarks;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Realistic OTLP trace requests, serialised once before the run: a Lambda function's resource and, per request,
 * {@code spans} spans with {@code attributes} attributes each (HTTP server, DynamoDB client and SQS spans with the
 * semantic-convention keys real instrumentation sets, ids random). Distinct requests so that nothing benefits from
 * repetition.
 */
final class Payloads {
    private Payloads() {
    }

    static List<byte[]> traces(int requests, int spans, int attributes, long seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>(requests);
        for (int r = 0; r < requests; r++) {
            ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
                    .setName("@opentelemetry/instrumentation-aws-lambda").setVersion("0.50.3"));
            ByteString trace = bytes(random, 16);
            ByteString parent = bytes(random, 8);
            long start = 1_763_900_000_000_000_000L + r * 1_000_000_000L;
            for (int s = 0; s < spans; s++) {
                Span.Builder span = Span.newBuilder().setTraceId(s % 10 == 0 ? (trace = bytes(random, 16)) : trace)
                        .setSpanId(bytes(random, 8)).setParentSpanId(parent)
                        .setName(s % 3 == 0 ? "GET /orders/{id}" : s % 3 == 1 ? "DynamoDB.GetItem" : "SQS.SendMessage")
                        .setKind(s % 3 == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_CLIENT)
                        .setStartTimeUnixNano(start + s * 1000)
                        .setEndTimeUnixNano(start + s * 1000 + 1_000_000 + random.nextInt(50_000_000))
                        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK));
                for (int a = 0; a < attributes; a++) {
                    span.addAttributes(attribute(a, random));
                }
                scope.addSpans(span);
            }
            out.add(ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                    .setResource(resource()).addScopeSpans(scope).setSchemaUrl("https://opentelemetry.io/schemas/1.27.0"))
                    .build().toByteArray());
        }
        return out;
    }

    private static Resource resource() {
        return Resource.newBuilder()
                .addAttributes(kv("service.name", "checkout"))
                .addAttributes(kv("faas.name", "checkout"))
                .addAttributes(kv("faas.version", "$LATEST"))
                .addAttributes(kv("faas.instance", "2026/11/23/[$LATEST]8f3a1c0d9e8b4b6f9a1c2d3e4f5a6b7c"))
                .addAttributes(kvInt("faas.max_memory", 536_870_912L))
                .addAttributes(kv("cloud.provider", "aws"))
                .addAttributes(kv("cloud.platform", "aws_lambda"))
                .addAttributes(kv("cloud.region", "eu-west-1"))
                .addAttributes(kv("cloud.account.id", "123456789012"))
                .addAttributes(kv("telemetry.sdk.language", "nodejs"))
                .addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
                .addAttributes(kv("telemetry.sdk.version", "2.12.0"))
                .build();
    }

    private static final String[] KEYS = {
            "http.request.method", "url.full", "http.route", "http.response.status_code", "server.address",
            "user_agent.original", "faas.invocation_id", "faas.trigger", "faas.coldstart", "db.system",
            "db.operation.name", "aws.dynamodb.table_names", "aws.request_id", "messaging.system",
            "messaging.destination.name", "messaging.message.id", "customer.id", "order.id", "code.function", "thread.name"};

    private static KeyValue attribute(int i, Random random) {
        String key = i < KEYS.length ? KEYS[i] : "app.attribute_" + i;
        return switch (i % KEYS.length) {
            case 0 -> kv(key, "GET");
            case 1 -> kv(key, "https://api.example.com/orders/" + random.nextInt(1_000_000) + "?expand=items,customer");
            case 2 -> kv(key, "/orders/{id}");
            case 3 -> kvInt(key, 200);
            case 4 -> kv(key, "api.example.com");
            case 5 -> kv(key, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36");
            case 6, 12, 15 -> kv(key, UUID.randomUUID().toString());
            case 7 -> kv(key, "http");
            case 8 -> KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setBoolValue(random.nextInt(20) == 0)).build();
            case 9 -> kv(key, "dynamodb");
            case 10 -> kv(key, "GetItem");
            case 11 -> kv(key, "orders-prod");
            case 13 -> kv(key, "aws_sqs");
            case 14 -> kv(key, "order-events");
            case 16 -> kv(key, "cust-" + random.nextInt(100_000));
            case 17 -> kvInt(key, random.nextInt(10_000_000));
            case 18 -> kv(key, "OrderHandler.handle");
            default -> kv(key, "main");
        };
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static KeyValue kvInt(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    private static ByteString bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] |= 1;
        return ByteString.copyFrom(b);
    }
}
