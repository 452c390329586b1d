package io.fnscope.writer;

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
 * Lambda-style traces for the writer benchmark, as the OTel Java agent / Lambda layer and the AWS SDK
 * instrumentation describe them. One trace is one invocation:
 * <ul>
 *   <li>the entry SERVER span (API Gateway HTTP trigger): ~15 attributes: method, route, a path with an order id,
 *   status, scheme, host, user agent (a handful), client address (thousands), {@code faas.trigger},
 *   {@code faas.invocation_id} (a UUID per invocation), {@code faas.coldstart} (2 % true)...;</li>
 *   <li>1-3 DynamoDB CLIENT spans (GetItem/PutItem/Query on a few tables): ~12 attributes, among them the AWS
 *   request id the SDK instrumentation records (random, 52 characters);</li>
 *   <li>one SQS PRODUCER span (SendMessage to a few queues) with its message id (a UUID) and request id;</li>
 *   <li>in 40 % of the invocations an HTTP CLIENT span to an external API (a path with an id).</li>
 * </ul>
 * About one invocation in five is a queue consumer instead of an HTTP request: its entry span is a CONSUMER span ({@code
 * <queue> process}, {@code faas.trigger=pubsub}) of a message an earlier invocation sent, with that message's id and
 * a span link to its producer span, as the Lambda SQS instrumentation records it; each message is consumed at most
 * once (one in four invocations picks one of the last 1,000 sent, and finds it unconsumed most times). So transactions of a few traces
 * form (a consumer sends a message too), and the query API's transaction labeller has its work.
 * That is ~5 spans and ~11-15 attributes per span on average; 1 % of invocations fail (error status and an
 * exception event). Twenty functions, each with a resource of ~15 attributes and a few execution environments
 * ({@code faas.instance}). A record is one export of {@code tracesPerRecord} invocations of one function instance.
 */
final class LambdaTraceMix {
    static final int FUNCTIONS = 20;
    private static final String[] TABLES = {"orders", "customers", "inventory", "sessions"};
    private static final String[] QUEUES = {"order-events", "email-outbox", "audit-log"};
    private static final String[] ROUTES = {"/orders/{id}", "/orders", "/customers/{id}", "/cart/{id}/items", "/health"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT"};
    private static final String[] AGENTS = {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0", "okhttp/4.12.0",
            "Amazon CloudFront", "python-requests/2.32.3"};
    private static final String B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final Random random;
    private final Resource[][] resources = new Resource[FUNCTIONS][];
    /** The last messages sent and not consumed yet; a later invocation consumes each at most once. */
    private final Sent[] sent = new Sent[1000];
    private int sentCount;

    private record Sent(ByteString traceId, ByteString spanId, String messageId, String queue) {
    }

    LambdaTraceMix(long seed) {
        this.random = new Random(seed);
        for (int f = 0; f < FUNCTIONS; f++) {
            resources[f] = new Resource[4];
            for (int i = 0; i < resources[f].length; i++) {
                resources[f][i] = resource(f, i);
            }
        }
    }

    /** One record value: {@code traces} invocations of one function instance, starting around {@code startNanos}. */
    byte[] record(int traces, long startNanos) {
        int f = random.nextInt(FUNCTIONS);
        Resource resource = resources[f][random.nextInt(resources[f].length)];
        ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
                .setName("io.opentelemetry.aws-sdk-2.2").setVersion("2.10.0-alpha"));
        ScopeSpans.Builder lambdaScope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
                .setName("io.opentelemetry.aws-lambda-events-2.2").setVersion("2.10.0-alpha"));
        for (int t = 0; t < traces; t++) {
            invocation(f, startNanos + t * 3_000_000L + random.nextInt(1_000_000), lambdaScope, scope);
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource)
                .addScopeSpans(lambdaScope).addScopeSpans(scope).setSchemaUrl("https://opentelemetry.io/schemas/1.24.0"))
                .build().toByteArray();
    }

    /** Spans {@link #record} produced so far (for accounting). */
    long spans;

    private void invocation(int f, long start, ScopeSpans.Builder lambdaScope, ScopeSpans.Builder scope) {
        ByteString trace = bytes(16);
        ByteString entryId = bytes(8);
        boolean error = random.nextInt(100) == 0;
        long duration = 15_000_000L + (long) (Math.abs(random.nextGaussian()) * 120_000_000L);
        Span.Builder entry;
        int pick = sentCount > 0 && random.nextInt(4) == 0 ? random.nextInt(Math.min(sentCount, sent.length)) : -1;
        Sent m = pick < 0 ? null : sent[pick];
        if (m != null) {
            sent[pick] = null;
            entry = Span.newBuilder().setTraceId(trace).setSpanId(entryId).setFlags(0x301)
                    .setName(m.queue() + " process").setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
                    .setStartTimeUnixNano(start).setEndTimeUnixNano(start + duration)
                    .addLinks(Span.Link.newBuilder().setTraceId(m.traceId()).setSpanId(m.spanId()).setFlags(0x301))
                    .addAttributes(kv("messaging.system", "aws_sqs"))
                    .addAttributes(kv("messaging.destination.name", m.queue()))
                    .addAttributes(kv("messaging.operation.type", "process"))
                    .addAttributes(kv("messaging.message.id", m.messageId()))
                    .addAttributes(kv("messaging.batch.message_count", 1))
                    .addAttributes(kv("faas.trigger", "pubsub"));
        } else {
            int r = random.nextInt(ROUTES.length);
            String route = ROUTES[r];
            String path = route.replace("{id}", Long.toString(100_000 + random.nextInt(900_000)));
            entry = Span.newBuilder().setTraceId(trace).setSpanId(entryId)
                    .setParentSpanId(bytes(8)).setFlags(0x301)
                    .setName(METHODS[r] + " " + route).setKind(Span.SpanKind.SPAN_KIND_SERVER)
                    .setStartTimeUnixNano(start).setEndTimeUnixNano(start + duration)
                    .addAttributes(kv("http.request.method", METHODS[r]))
                    .addAttributes(kv("http.route", route))
                    .addAttributes(kv("url.path", path))
                    .addAttributes(kv("url.scheme", "https"))
                    .addAttributes(kv("server.address", "api-" + f + ".example.com"))
                    .addAttributes(kv("http.response.status_code", error ? 500 : 200))
                    .addAttributes(kv("user_agent.original", AGENTS[random.nextInt(AGENTS.length)]))
                    .addAttributes(kv("client.address", "203.0." + random.nextInt(16) + "." + random.nextInt(256)))
                    .addAttributes(kv("network.protocol.version", "1.1"))
                    .addAttributes(kv("faas.trigger", "http"))
                    .addAttributes(kv("http.request.body.size", 200 + random.nextInt(2000)));
        }
        entry.addAttributes(kv("faas.invocation_id", UUID.randomUUID().toString()))
                .addAttributes(kvBool("faas.coldstart", random.nextInt(50) == 0))
                .addAttributes(kv("cloud.account.id", "123456789012"));
        if (error) {
            entry.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("order rejected"))
                    .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(start + duration - 1000)
                            .addAttributes(kv("exception.type", "com.example.OrderRejected"))
                            .addAttributes(kv("exception.message", "order rejected: payment declined")));
        }
        lambdaScope.addSpans(entry);
        spans++;
        long at = start + 2_000_000L;
        int dynamo = 1 + random.nextInt(3);
        for (int i = 0; i < dynamo; i++) {
            String op = i == 0 ? "GetItem" : random.nextBoolean() ? "PutItem" : "Query";
            long d = 3_000_000L + random.nextInt(25_000_000);
            scope.addSpans(client(trace, entryId, "DynamoDB." + op, Span.SpanKind.SPAN_KIND_CLIENT, at, d)
                    .addAttributes(kv("rpc.system", "aws-api"))
                    .addAttributes(kv("rpc.service", "DynamoDB"))
                    .addAttributes(kv("rpc.method", op))
                    .addAttributes(kv("db.system", "dynamodb"))
                    .addAttributes(kv("db.operation", op))
                    .addAttributes(kv("aws.dynamodb.table_names", TABLES[random.nextInt(TABLES.length)]))
                    .addAttributes(kv("aws.request_id", awsRequestId()))
                    .addAttributes(kv("aws.region", "us-east-1"))
                    .addAttributes(kv("server.address", "dynamodb.us-east-1.amazonaws.com"))
                    .addAttributes(kv("http.request.method", "POST"))
                    .addAttributes(kv("http.response.status_code", 200))
                    .addAttributes(kv("network.protocol.version", "1.1")));
            at += d + 500_000;
            spans++;
        }
        long d = 5_000_000L + random.nextInt(20_000_000);
        String queue = QUEUES[random.nextInt(QUEUES.length)];
        String messageId = UUID.randomUUID().toString();
        Span.Builder send = client(trace, entryId, queue + " publish", Span.SpanKind.SPAN_KIND_PRODUCER, at, d);
        sent[sentCount++ % sent.length] = new Sent(trace, send.getSpanId(), messageId, queue);
        scope.addSpans(send
                .addAttributes(kv("rpc.system", "aws-api"))
                .addAttributes(kv("rpc.service", "Sqs"))
                .addAttributes(kv("rpc.method", "SendMessage"))
                .addAttributes(kv("messaging.system", "aws_sqs"))
                .addAttributes(kv("messaging.destination.name", queue))
                .addAttributes(kv("messaging.operation.type", "publish"))
                .addAttributes(kv("messaging.message.id", messageId))
                .addAttributes(kv("aws.request_id", UUID.randomUUID().toString()))
                .addAttributes(kv("url.full", "https://sqs.us-east-1.amazonaws.com/123456789012/" + queue))
                .addAttributes(kv("server.address", "sqs.us-east-1.amazonaws.com"))
                .addAttributes(kv("http.response.status_code", 200)));
        at += d + 500_000;
        spans++;
        if (random.nextInt(10) < 4) {
            long h = 20_000_000L + random.nextInt(80_000_000);
            scope.addSpans(client(trace, entryId, "POST", Span.SpanKind.SPAN_KIND_CLIENT, at, h)
                    .addAttributes(kv("http.request.method", "POST"))
                    .addAttributes(kv("url.full", "https://payments.example.net/v2/charges/ch_" + (1_000_000 + random.nextInt(9_000_000))))
                    .addAttributes(kv("server.address", "payments.example.net"))
                    .addAttributes(kv("server.port", 443))
                    .addAttributes(kv("http.response.status_code", error ? 402 : 201))
                    .addAttributes(kv("network.protocol.version", "2")));
            spans++;
        }
    }

    private Span.Builder client(ByteString trace, ByteString parent, String name, Span.SpanKind kind, long start, long d) {
        return Span.newBuilder().setTraceId(trace).setSpanId(bytes(8)).setParentSpanId(parent).setFlags(0x101)
                .setName(name).setKind(kind).setStartTimeUnixNano(start).setEndTimeUnixNano(start + d);
    }

    private Resource resource(int f, int instance) {
        String name = "shop-" + new String[] {"orders", "cart", "checkout", "payments", "catalog"}[f % 5] + "-" + f;
        int memory = new int[] {128, 256, 512, 1024, 1769}[f % 5];
        return Resource.newBuilder()
                .addAttributes(kv("service.name", name))
                .addAttributes(kv("service.version", "1." + (f % 4) + ".0"))
                .addAttributes(kv("deployment.environment.name", "production"))
                .addAttributes(kv("faas.name", name))
                .addAttributes(kv("faas.version", "$LATEST"))
                .addAttributes(kv("faas.instance", "2026/11/23/[$LATEST]" + UUID.nameUUIDFromBytes((name + instance).getBytes()).toString().replace("-", "")))
                .addAttributes(kv("faas.max_memory", memory * 1_048_576L))
                .addAttributes(kv("cloud.provider", "aws"))
                .addAttributes(kv("cloud.platform", "aws_lambda"))
                .addAttributes(kv("cloud.region", "us-east-1"))
                .addAttributes(kv("cloud.account.id", "123456789012"))
                .addAttributes(kv("cloud.resource_id", "arn:aws:lambda:us-east-1:123456789012:function:" + name))
                .addAttributes(kv("host.arch", f % 2 == 0 ? "arm64" : "amd64"))
                .addAttributes(kv("process.runtime.name", "OpenJDK Runtime Environment"))
                .addAttributes(kv("process.runtime.version", "21.0.5+11-LTS"))
                .addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
                .addAttributes(kv("telemetry.sdk.language", "java"))
                .addAttributes(kv("telemetry.sdk.version", "1.44.1"))
                .addAttributes(kv("aws.log.group.names", "/aws/lambda/" + name))
                .build();
    }

    /** What the AWS SDK puts in x-amzn-RequestId for DynamoDB: 52 base32 characters. */
    private String awsRequestId() {
        char[] c = new char[52];
        for (int i = 0; i < c.length; i++) {
            c[i] = B32.charAt(random.nextInt(32));
        }
        return new String(c);
    }

    private ByteString bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] |= 1;
        return ByteString.copyFrom(b);
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static KeyValue kv(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    private static KeyValue kvBool(String k, boolean v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setBoolValue(v)).build();
    }

    /** {@code n} records of {@code traces} invocations, spread over {@code seconds} ending now. */
    List<byte[]> records(int n, int traces, long startNanos, long spreadNanos) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(record(traces, startNanos + spreadNanos * i / Math.max(1, n)));
        }
        return out;
    }
}
