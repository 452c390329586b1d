package io.fnscope.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fnscope.tenancy.KeyHash;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One business transaction, end to end through the all-in-one: the OTel Java SDK of each function exports its spans
 * over OTLP/HTTP, a Lambda extension forwards the platform events of some invocations to /v1/lambda/telemetry, the
 * collector puts both on the embedded Kafka, the writer stores spans and invocations (with their cost) in the
 * embedded ClickHouse, and everything below is read back through the REST API only, every figure checked against
 * what the comments compute by hand from the inputs.
 *
 * <h2>The scenario (ms after {@code base}, a whole minute a few minutes ago)</h2>
 * <pre>
 * T1  checkout-api A (arm64, 512 MB; cold)   SERVER   POST /checkout [0, 120]
 *        DynamoDB.PutItem [10, 40]; orders send (SQS orders, message mA) [50, 55]
 *        report: duration 118.3, billed 419 (includes init), init 300.0
 * T2  checkout-api B (warm)                  SERVER   POST /checkout [300, 380]
 *        orders send (mB) [310, 314]
 *        report: duration 79.3, billed 80
 * T3  order-worker W (amd64 = x86_64, 1 GB)  CONSUMER orders process [900, 1000], links to both sends (batch of 2); cold
 *        DynamoDB.UpdateItem [905, 925]; orders-bus send (EventBridge, event id evt) [930, 940];
 *        order-events publish (SNS) [950, 956]
 *        report: duration 99.6, billed 100 (without init), init 412.5
 *     emailer E (arm64, 128 MB; warm)        CONSUMER order-events process [980, 1030], parent: the SNS publish
 *        (remote), id in the older faas.execution; no platform report: span estimate only
 * T4  notifier N (amd64, 256 MB)             CONSUMER orders-bus process [1500, 1700], event id evt, error
 *        POST hooks.example.com [1520, 1690], error "HTTP 500" (the origin; the consumer span only propagates it)
 *        no faas.coldstart attribute: the cold start is known from the report only
 *        report: status error, duration 201.7, billed 352 (includes init), init 150.25
 * </pre>
 *
 * <h2>Costs (catalog 2026.11.0, AWS Lambda us-east-1 list prices)</h2>
 * Request $0.20 per 1M = $0.0000002; duration per GB-s: arm64 $0.0000133334, x86_64 $0.0000166667; GB = MB / 1024;
 * INIT billed since 2025-08-01 (at the duration rate). Stored to the pico-dollar (12 decimals, half up).
 * <pre>
 * A  0.0000002 + 0.5 GB  × 0.419 s × 0.0000133334 = 0.0000002 + 0.0000027933473 = 0.0000029933473 → 0.000002993347
 *    (billed 419 ≥ 118.3 + 300: the report's billed duration already holds init, nothing is added)
 * B  0.0000002 + 0.5 GB  × 0.080 s × 0.0000133334 = 0.0000002 + 0.000000533336  = 0.000000733336
 * W  0.0000002 + 1.0 GB  × (0.100 + 0.413) s × 0.0000166667                        (billed 100 &lt; 99.6 + 412.5:
 *    init, rounded up to 413 ms, is billed on top) = 0.0000002 + 0.0000085500171 = 0.0000087500171 → 0.000008750017
 * E  0.0000002 + 0.125 GB × 0.050 s × 0.0000133334 (span duration) = 0.0000002 + 0.00000008333375
 *    = 0.00000028333375 → 0.000000283334 (estimate)
 * N  0.0000002 + 0.25 GB × 0.352 s × 0.0000166667 = 0.0000002 + 0.0000014666696 = 0.0000016666696 → 0.00000166667
 * total 0.000002993347 + 0.000000733336 + 0.000008750017 + 0.000000283334 + 0.00000166667 = 0.000014426704
 * </pre>
 */
class ITTransactionScenario {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    static final String ACME_VIEWER = "fns_testAcmeViewerToken0000000000001";
    static final String GLOBEX_VIEWER = "fns_testGlobexViewerToken000000000001";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    static final String COST_A = "0.000002993347";
    static final String COST_B = "0.000000733336";
    static final String COST_W = "0.000008750017";
    static final String COST_E = "0.000000283334";
    static final String COST_N = "0.00000166667";
    static final String COST_TOTAL = "0.000014426704";

    static AllInOne app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = new AllInOne(Map.of(
                "fnscope.auth.keys[1].tenant", "acme",
                "fnscope.auth.keys[1].role", "viewer",
                "fnscope.auth.keys[1].sha256", KeyHash.sha256Hex(ACME_VIEWER),
                "fnscope.auth.keys[2].tenant", "globex",
                "fnscope.auth.keys[2].role", "viewer",
                "fnscope.auth.keys[2].sha256", KeyHash.sha256Hex(GLOBEX_VIEWER))).start();
        s = new Scenario(Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES)).send(app);
        // Stored when the transaction has all 12 spans and its 5 invocations, 4 of them with their report.
        AllInOne.await(() -> {
            Answer a = get("/api/v1/transactions/" + s.t1, ACME_VIEWER);
            if (a.status() != 200) {
                return false;
            }
            JsonNode t = a.json();
            int exact = 0;
            for (JsonNode n : t.path("invocations")) {
                exact += n.path("costExact").asBoolean() ? 1 : 0;
            }
            return t.path("spanCount").asInt() == 12 && t.path("pricedInvocations").asInt() == 5 && exact == 4;
        }, TIMEOUT, "the transaction's 12 spans and 5 invocations, 4 with their platform report");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /**
     * The writer's process labels the transaction as its spans arrive (TransactionLabeller): one label on every trace
     * and message of it (named for the smallest trace id of the traces it first held, which depends on the order the
     * flushes brought them), so that a search reads it in two lookups; the answer from each trace is the same as
     * without labels (the test below may run before or after them).
     */
    @Test
    void theWriterLabelsTheTransactionAndTheAnswerStaysTheSame() {
        Map<String, Object> params = Map.of("traces", List.of(s.t1, s.t2, s.t3, s.t4));
        String labelled = "SELECT count() FROM {db}.transaction_edges WHERE tenant = 'acme' AND node IN {traces:Array(String)}"
                + " AND startsWith(peer, 'c:') AND peer IN (SELECT peer FROM {db}.transaction_edges WHERE tenant = 'acme'"
                + " AND startsWith(peer, 'c:') AND node IN {traces:Array(String)} GROUP BY peer"
                + " HAVING uniqExact(node) = 4)";
        AllInOne.await(() -> app.count(labelled, params) == 4, TIMEOUT, "the four traces under one label");
        long labels = app.count("SELECT uniqExact(peer) FROM {db}.transaction_edges WHERE tenant = 'acme'"
                + " AND node IN {traces:Array(String)} AND startsWith(peer, 'c:')", params);
        assertThat(labels).as("labels on the transaction's traces").isEqualTo(1);
        // Its messages too (mA, mB and the EventBridge event; SNS's is a parent context, no message id): the label
        // lists them.
        long messages = app.count("SELECT count() FROM {db}.transaction_edges WHERE tenant = 'acme' AND startsWith(node, 'c:')"
                + " AND startsWith(peer, 'm:')", Map.of());
        assertThat(messages).isGreaterThanOrEqualTo(3);
        assertThat(app.count("SELECT count() FROM {db}.transaction_edges WHERE tenant != 'acme' AND startsWith(node, 'c:')",
                Map.of())).as("labels of another tenant").isZero();
        theWholeTransactionFromEachOfItsTraces();
    }

    @Test
    void theWholeTransactionFromEachOfItsTraces() {
        Map<String, List<Integer>> depths = Map.of(
                s.t1, List.of(0, 2, 1, 2),  // T1 -link- T3 -link- T2, T3 -message- T4
                s.t2, List.of(2, 0, 1, 2),
                s.t3, List.of(1, 1, 0, 1),  // links to T1 and T2, message to T4
                s.t4, List.of(2, 2, 1, 0)); // T4 -message- T3 -links- T1, T2
        for (String from : List.of(s.t1, s.t2, s.t3, s.t4)) {
            Answer a = get("/api/v1/transactions/" + from, ACME_VIEWER);
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            JsonNode t = a.json();
            assertThat(t.path("traceId").asText()).isEqualTo(from);
            List<String> traces = new ArrayList<>();
            List<Integer> depth = new ArrayList<>();
            t.path("traces").forEach(x -> {
                traces.add(x.path("traceId").asText());
                depth.add(x.path("depth").asInt());
            });
            assertThat(traces).as("by start time").containsExactly(s.t1, s.t2, s.t3, s.t4);
            assertThat(depth).as("hops from " + from).isEqualTo(depths.get(from));
            assertThat(t.path("spanCount").asInt()).isEqualTo(12); // 3 + 2 + 5 + 2
            assertThat(t.path("truncated").path("any").asBoolean()).isFalse();
            assertThat(t.path("unresolvedLinks").asInt()).isZero();
            assertThat(t.path("unresolvedTraces").asInt()).isZero();
            // End to end: A's server span starts at 0, N's consumer span ends at 1700.
            assertThat(t.path("startTime").asText()).isEqualTo(s.iso(0));
            assertThat(t.path("endTime").asText()).isEqualTo(s.iso(1700));
            assertThat(t.path("durationMs").asDouble()).isEqualTo(1700.0);
            // A + B + W + E + N (class comment)
            assertThat(t.path("costUsd").decimalValue()).isEqualByComparingTo(COST_TOTAL);
            assertThat(t.path("costExact").asBoolean()).isFalse(); // E has only its span's estimate
            assertThat(t.path("pricedInvocations").asInt()).isEqualTo(5);
        }
    }

    @Test
    void eachInvocationWithItsColdStartBilledTimeStatusAndCost() {
        JsonNode t = get("/api/v1/transactions/" + s.t3, ACME_VIEWER).json();
        List<String> nodes = new ArrayList<>();
        for (JsonNode n : t.path("invocations")) {
            nodes.add(n.path("id").asText() + " " + n.path("type").asText() + " trigger=" + n.path("trigger").asText()
                    + " cold=" + n.path("coldStart").asBoolean() + " init=" + n.path("initDurationMs").asText()
                    + " billed=" + n.path("billedDurationMs").asText() + " memory=" + n.path("memoryMb").asText()
                    + " status=" + n.path("status").asText() + " error=" + n.path("error").asBoolean()
                    + " cost=" + usd(n.path("costUsd")) + " exact=" + n.path("costExact").asBoolean()
                    + " path=" + n.path("onCriticalPath").asBoolean() + " ms=" + n.path("durationMs").asDouble());
        }
        assertThat(nodes).containsExactly(
                // the report's billed duration (419) holds A's init; memory from faas.max_memory and the report
                "checkout-api/" + s.a + " invocation trigger=http cold=true init=300.0 billed=419 memory=512 status=ok"
                        + " error=false cost=" + COST_A + " exact=true path=false ms=120.0",
                "checkout-api/" + s.b + " invocation trigger=http cold=false init=null billed=80 memory=512 status=ok"
                        + " error=false cost=" + COST_B + " exact=true path=true ms=80.0",
                "order-worker/" + s.w + " invocation trigger=pubsub cold=true init=412.5 billed=100 memory=1024"
                        + " status=ok error=false cost=" + COST_W + " exact=true path=true ms=100.0",
                // no report: no billed duration, the span's estimate
                "emailer/" + s.e + " invocation trigger=pubsub cold=false init=null billed=null memory=128 status=ok"
                        + " error=false cost=" + COST_E + " exact=false path=false ms=50.0",
                // cold from the report alone (the span had no faas.coldstart); failed (span status and report)
                "notifier/" + s.n + " invocation trigger=pubsub cold=true init=150.25 billed=352 memory=256"
                        + " status=error error=true cost=" + COST_N + " exact=true path=true ms=200.0");
    }

    @Test
    void hopsWithTheirQueueOrBusAndWaitTimes() {
        JsonNode t = get("/api/v1/transactions/" + s.t1, ACME_VIEWER).json();
        List<String> hops = new ArrayList<>();
        for (JsonNode h : t.path("hops")) {
            hops.add(h.path("index").asInt() + " " + h.path("from").asText() + " -" + h.path("via").asText() + "-> "
                    + h.path("to").asText() + " " + h.path("system").asText() + ":" + h.path("destination").asText()
                    + " message=" + h.path("messageId").asText() + " wait=" + h.path("waitMs").asDouble()
                    + " cold=" + h.path("consumerColdStart").asBoolean() + " init=" + h.path("consumerInitDurationMs").asText()
                    + " path=" + h.path("onCriticalPath").asBoolean()
                    + " " + h.path("producer").path("spanId").asText() + ">" + h.path("consumer").path("spanId").asText());
        }
        // Wait = consumer span start - producer span start; a cold consumer's wait includes its init.
        assertThat(hops).containsExactly(
                "0 checkout-api/" + s.a + " -link-> order-worker/" + s.w + " aws_sqs:orders message=null"
                        + " wait=850.0 cold=true init=412.5 path=false " + s.sendA + ">" + s.worker,     // 900 - 50
                "1 checkout-api/" + s.b + " -link-> order-worker/" + s.w + " aws_sqs:orders message=null"
                        + " wait=590.0 cold=true init=412.5 path=true " + s.sendB + ">" + s.worker,      // 900 - 310
                "2 order-worker/" + s.w + " -parent-> emailer/" + s.e + " aws.sns:order-events message=null"
                        + " wait=30.0 cold=false init=null path=false " + s.sns + ">" + s.emailer,       // 980 - 950
                "3 order-worker/" + s.w + " -message-> notifier/" + s.n + " aws.eventbridge:orders-bus"
                        + " message=" + s.evt + " wait=570.0 cold=true init=150.25 path=true "
                        + s.eventBridge + ">" + s.notifier);                                               // 1500 - 930
        assertThat(t.path("hops").get(0).path("sendTime").asText()).isEqualTo(s.iso(50));
        assertThat(t.path("hops").get(0).path("receiveTime").asText()).isEqualTo(s.iso(900));
    }

    @Test
    void criticalPathColdStartsAndErrorOrigin() {
        JsonNode t = get("/api/v1/transactions/" + s.t2, ACME_VIEWER).json();
        JsonNode path = t.path("criticalPath");
        List<String> steps = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode step : path.path("steps")) {
            steps.add(step.path("type").asText() + " " + (step.path("node").isNull() ? step.path("label").asText()
                    : step.path("node").asText()) + " " + step.path("durationMs").asDouble());
            sum = sum.add(step.path("durationMs").decimalValue());
        }
        // Back from the node that ends last (N, 1700): its event came from W's EventBridge send (930); W waited for the
        // later of its two messages, B's send (310, after A's 50); B has no predecessor.
        assertThat(steps).containsExactly(
                "invocation checkout-api/" + s.b + " 10.0",    // 300 → 310 (send)
                "hop aws_sqs:orders 590.0",                     // 310 → 900
                "invocation order-worker/" + s.w + " 30.0",    // 900 → 930 (EventBridge send)
                "hop aws.eventbridge:orders-bus 570.0",         // 930 → 1500
                "invocation notifier/" + s.n + " 200.0");      // 1500 → 1700
        assertThat(path.path("durationMs").asDouble()).isEqualTo(1400.0); // 1700 - 300
        assertThat(sum).isEqualByComparingTo("1400");
        assertThat(path.path("startTime").asText()).isEqualTo(s.iso(300));
        assertThat(path.path("endTime").asText()).isEqualTo(s.iso(1700));

        JsonNode cold = t.path("coldStarts");
        assertThat(cold.path("count").asInt()).isEqualTo(3); // A, W, N
        assertThat(cold.path("onCriticalPath").asInt()).isEqualTo(2); // W, N
        assertThat(cold.path("addedLatencyMs").decimalValue()).isEqualByComparingTo("562.75"); // 412.5 + 150.25
        List<String> colds = new ArrayList<>();
        cold.path("invocations").forEach(c -> colds.add(c.path("node").asText() + " " + c.path("function").asText()
                + " " + c.path("initDurationMs").asDouble() + " " + c.path("onCriticalPath").asBoolean()));
        assertThat(colds).containsExactly("checkout-api/" + s.a + " checkout-api 300.0 false",
                "order-worker/" + s.w + " order-worker 412.5 true", "notifier/" + s.n + " notifier 150.25 true");

        JsonNode origin = t.path("errorOrigin");
        assertThat(origin.path("traceId").asText()).isEqualTo(s.t4);
        assertThat(origin.path("spanId").asText()).isEqualTo(s.webhook); // not N's consumer span: it only propagates
        assertThat(origin.path("name").asText()).isEqualTo("POST hooks.example.com");
        assertThat(origin.path("node").asText()).isEqualTo("notifier/" + s.n);
        assertThat(origin.path("function").asText()).isEqualTo("notifier");
        assertThat(origin.path("statusMessage").asText()).isEqualTo("HTTP 500");
        assertThat(origin.path("exceptionType").asText()).isEqualTo("java.io.IOException");
        assertThat(origin.path("exceptionMessage").asText()).isEqualTo("POST https://hooks.example.com/orders: 500");
        assertThat(origin.path("startTime").asText()).isEqualTo(s.iso(1520));
        assertThat(origin.path("source").asText()).isEqualTo("span");
        assertThat(origin.path("candidates").asInt()).isEqualTo(1);
        assertThat(t.path("errorSpans").asInt()).isEqualTo(2);
    }

    @Test
    void traceViewsAnnotateInvocationsAndShowLinksBothWays() {
        // T3: the batch consumer's trace. Its two invocations, by start: W (report: exact) and E (span: estimate).
        Answer a3 = get("/api/v1/traces/" + s.t3, ACME_VIEWER);
        assertThat(a3.status()).as(a3.body()).isEqualTo(200);
        JsonNode t3 = a3.json();
        assertThat(t3.path("spanCount").asInt()).isEqualTo(5);
        assertThat(t3.path("functions").toString()).isEqualTo("[\"emailer\",\"order-worker\"]");
        assertThat(t3.path("costUsd").decimalValue()).isEqualByComparingTo("0.000009033351"); // W + E
        assertThat(t3.path("costExact").asBoolean()).isFalse();
        List<String> invocations = new ArrayList<>();
        t3.path("invocations").forEach(i -> invocations.add(invocation(i)));
        // An exact cost has no flag: the span half's DURATION_FROM_SPAN describes only the estimate it replaced.
        assertThat(invocations).containsExactly(
                "order-worker/" + s.w + " cold=true init=412.5 duration=99.6 billed=100 memory=1024 used=310 status=ok"
                        + " cost=" + COST_W + " exact=true flags=[]",
                "emailer/" + s.e + " cold=false init=null duration=50.0 billed=null memory=128 used=null status=ok"
                        + " cost=" + COST_E + " exact=false flags=[\"DURATION_FROM_SPAN\"]");
        JsonNode root = t3.path("spans").get(0);
        assertThat(root.path("spanId").asText()).isEqualTo(s.worker);
        assertThat(invocation(root.path("invocation"))).isEqualTo(invocations.get(0));
        // E's span sits under the SNS publish span, and is annotated with E.
        JsonNode publish = root.path("children").get(2);
        assertThat(publish.path("spanId").asText()).isEqualTo(s.sns);
        assertThat(publish.path("invocation").isNull()).isTrue();
        assertThat(invocation(publish.path("children").get(0).path("invocation"))).isEqualTo(invocations.get(1));
        // Links out: one per message of the batch, to the send span of each upstream trace, with the link's attributes.
        List<String> out = new ArrayList<>();
        t3.path("linksOut").forEach(l -> out.add(l.path("traceId").asText() + "/" + l.path("spanId").asText() + " from "
                + l.path("fromSpanId").asText() + " " + l.path("attributes").path("messaging.message.id").asText()));
        assertThat(out).containsExactly(s.t1 + "/" + s.sendA + " from " + s.worker + " " + s.mA,
                s.t2 + "/" + s.sendB + " from " + s.worker + " " + s.mB);
        assertThat(root.path("links").size()).isEqualTo(2);

        // T1: the request's trace. Its root carries A (cold, init 300, billed 419); the worker's link shows up as a
        // link into this trace and on the send span it points to.
        JsonNode t1 = get("/api/v1/traces/" + s.t1, ACME_VIEWER).json();
        assertThat(t1.path("costUsd").decimalValue()).isEqualByComparingTo(COST_A);
        assertThat(t1.path("costExact").asBoolean()).isTrue();
        JsonNode r1 = t1.path("spans").get(0);
        assertThat(r1.path("spanId").asText()).isEqualTo(s.rootA);
        assertThat(invocation(r1.path("invocation"))).isEqualTo("checkout-api/" + s.a + " cold=true init=300.0"
                + " duration=118.3 billed=419 memory=512 used=143 status=ok cost=" + COST_A + " exact=true flags=[]");
        assertThat(r1.path("invocation").path("route").asText()).isEqualTo("/checkout");
        assertThat(r1.path("invocation").path("trigger").asText()).isEqualTo("http");
        JsonNode in = t1.path("linksIn");
        assertThat(in.size()).isEqualTo(1);
        assertThat(in.get(0).path("traceId").asText()).isEqualTo(s.t3);
        assertThat(in.get(0).path("spanId").asText()).isEqualTo(s.worker);
        assertThat(in.get(0).path("toSpanId").asText()).isEqualTo(s.sendA);
        assertThat(in.get(0).path("name").asText()).isEqualTo("orders process");
        assertThat(in.get(0).path("function").asText()).isEqualTo("order-worker");
        JsonNode send = r1.path("children").get(1);
        assertThat(send.path("spanId").asText()).isEqualTo(s.sendA);
        assertThat(send.path("linkedFrom").get(0).path("spanId").asText()).isEqualTo(s.worker);
        assertThat(t1.path("linksOut").size()).isZero();

        // T4: N failed; its status and error type come from the report.
        JsonNode n = get("/api/v1/traces/" + s.t4, ACME_VIEWER).json().path("spans").get(0).path("invocation");
        assertThat(n.path("status").asText()).isEqualTo("error");
        assertThat(n.path("coldStart").asBoolean()).isTrue();
        assertThat(n.path("billedDurationMs").asLong()).isEqualTo(352);
    }

    @Test
    void functionsShowInvocationsColdStartRateErrorsAndCost() {
        Answer a = get("/api/v1/functions", ACME_VIEWER);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        List<String> functions = new ArrayList<>();
        for (JsonNode f : a.json().path("functions")) {
            functions.add(f.path("function").asText() + " " + f.path("architecture").asText() + " "
                    + f.path("memory").path("configuredMb").asText() + " MB: invocations=" + f.path("invocations").asLong()
                    + " cold=" + f.path("coldStarts").asLong() + " rate=" + f.path("coldStartRate").asText()
                    + " init p50=" + f.path("initDurationMs").path("p50").asText()
                    + " errors=" + f.path("errors").asLong() + " errorRate=" + f.path("errorRate").asText()
                    + " cost=" + usd(f.path("costUsd")));
        }
        // By cost, highest first. Counted from the reports where they saw as many invocations as the spans (all but
        // the emailer); one invocation per function except checkout-api (A cold, B warm).
        assertThat(functions).containsExactly(
                "order-worker x86_64 1024 MB: invocations=1 cold=1 rate=1.0 init p50=412.5 errors=0 errorRate=0.0"
                        + " cost=" + COST_W,
                "checkout-api arm64 512 MB: invocations=2 cold=1 rate=0.5 init p50=300.0 errors=0 errorRate=0.0"
                        + " cost=0.000003726683", // A 0.000002993347 + B 0.000000733336
                "notifier x86_64 256 MB: invocations=1 cold=1 rate=1.0 init p50=150.25 errors=1 errorRate=1.0"
                        + " cost=" + COST_N,
                "emailer arm64 128 MB: invocations=1 cold=0 rate=0.0 init p50=null errors=0 errorRate=0.0"
                        + " cost=" + COST_E);
        assertThat(a.json().path("invocations").asLong()).isEqualTo(5);
        assertThat(a.json().path("costUsd").decimalValue()).isEqualByComparingTo(COST_TOTAL);
    }

    @Test
    void costPerRequestOfTheCheckoutRoute() {
        Answer a = get("/api/v1/cost?groupBy=route&from=" + s.base.toEpochMilli() + "&to="
                + s.base.plusSeconds(60).toEpochMilli(), ACME_VIEWER);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode groups = a.json().path("groups");
        assertThat(groups.size()).isEqualTo(1); // T3 and T4 start with consumers: not entries
        JsonNode checkout = groups.get(0);
        assertThat(checkout.path("key").asText()).isEqualTo("POST /checkout");
        assertThat(checkout.path("requests").asLong()).isEqualTo(2); // T1, T2
        // own: A 0.000002993347 + B 0.000000733336
        assertThat(checkout.path("directCostUsd").decimalValue()).isEqualByComparingTo("0.000003726683");
        // T4 (N 0.00000166667) leads back to T3 only; T3 (W 0.000008750017 + E 0.000000283334 + T4 = 0.000010700021) is
        // split evenly between T1 and T2, whose messages W consumed: both halves count for the route.
        assertThat(checkout.path("downstreamCostUsd").decimalValue()).isEqualByComparingTo("0.000010700021");
        assertThat(checkout.path("costUsd").decimalValue()).isEqualByComparingTo(COST_TOTAL);
        // 0.000014426704 / 2 requests
        assertThat(checkout.path("costPerRequestUsd").decimalValue()).isEqualByComparingTo("0.000007213352");
        assertThat(checkout.path("invocations").asLong()).isEqualTo(5);
        assertThat(checkout.path("downstreamTraces").asInt()).isEqualTo(2);
        assertThat(checkout.path("functions").toString())
                .isEqualTo("[\"checkout-api\",\"emailer\",\"notifier\",\"order-worker\"]");
    }

    @Test
    void anotherTenantsKeyFindsNothing() {
        for (String path : List.of("/api/v1/transactions/", "/api/v1/traces/")) {
            Answer other = get(path + s.t1, GLOBEX_VIEWER);
            assertThat(other.status()).as(other.body()).isEqualTo(404);
            assertThat(other.json().path("error").asText()).isEqualTo("trace " + s.t1 + " not found");
        }
        assertThat(get("/api/v1/functions", GLOBEX_VIEWER).json().path("functions").size()).isZero();
        // The ingest key may send, not read.
        assertThat(get("/api/v1/transactions/" + s.t1, AllInOne.KEY).status()).isEqualTo(403);
    }

    // ---- the scenario, sent as the functions and their Lambda extensions would ----

    /** What was sent: trace, span, invocation and message ids, and the times' origin. */
    static final class Scenario {
        final Instant base;
        final String a = UUID.randomUUID().toString();
        final String b = UUID.randomUUID().toString();
        final String w = UUID.randomUUID().toString();
        final String e = UUID.randomUUID().toString();
        final String n = UUID.randomUUID().toString();
        final String mA = UUID.randomUUID().toString();
        final String mB = UUID.randomUUID().toString();
        final String evt = UUID.randomUUID().toString();
        String t1;
        String t2;
        String t3;
        String t4;
        String rootA;
        String sendA;
        String rootB;
        String sendB;
        String worker;
        String eventBridge;
        String sns;
        String emailer;
        String notifier;
        String webhook;

        Scenario(Instant base) {
            this.base = base;
        }

        Instant at(double ms) {
            return base.plusNanos(Math.round(ms * 1_000_000));
        }

        String iso(double ms) {
            return at(ms).toString();
        }

        Scenario send(AllInOne app) {
            try (FunctionSdk checkout = new FunctionSdk(app, "checkout-api", "arm64", 512);
                 FunctionSdk orderWorker = new FunctionSdk(app, "order-worker", "amd64", 1024);
                 FunctionSdk emailerFn = new FunctionSdk(app, "emailer", "arm64", 128);
                 FunctionSdk notifierFn = new FunctionSdk(app, "notifier", "amd64", 256)) {
                Tracer api = checkout.tracer;
                // T1: request A, cold.
                Span ra = api.spanBuilder("POST /checkout").setNoParent().setSpanKind(SpanKind.SERVER)
                        .setStartTimestamp(at(0))
                        .setAttribute("http.request.method", "POST").setAttribute("http.route", "/checkout")
                        .setAttribute("url.path", "/checkout").setAttribute("faas.trigger", "http")
                        .setAttribute("faas.invocation_id", a).setAttribute("faas.coldstart", true).startSpan();
                Context ca = Context.root().with(ra);
                dynamo(api, ca, "PutItem", 10, 40);
                Span sa = send(api, ca, mA, 50, 55);
                ra.setAttribute("http.response.status_code", 202L);
                ra.end(at(120));
                checkout.flush();
                // T2: request B, warm.
                Span rb = api.spanBuilder("POST /checkout").setNoParent().setSpanKind(SpanKind.SERVER)
                        .setStartTimestamp(at(300))
                        .setAttribute("http.request.method", "POST").setAttribute("http.route", "/checkout")
                        .setAttribute("url.path", "/checkout").setAttribute("faas.trigger", "http")
                        .setAttribute("faas.invocation_id", b).setAttribute("faas.coldstart", false).startSpan();
                Span sb = send(api, Context.root().with(rb), mB, 310, 314);
                rb.setAttribute("http.response.status_code", 202L);
                rb.end(at(380));
                checkout.flush();

                // T3: the batch consumer, one link per message, each to its sender's context (AWSTraceHeader).
                AttributeKey<String> messageId = AttributeKey.stringKey("messaging.message.id");
                Tracer ow = orderWorker.tracer;
                Span wk = ow.spanBuilder("orders process").setNoParent().setSpanKind(SpanKind.CONSUMER)
                        .setStartTimestamp(at(900))
                        .addLink(remote(sa.getSpanContext()), Attributes.of(messageId, mA))
                        .addLink(remote(sb.getSpanContext()), Attributes.of(messageId, mB))
                        .setAttribute("faas.trigger", "pubsub").setAttribute("messaging.system", "aws_sqs")
                        .setAttribute("messaging.operation.type", "process")
                        .setAttribute("messaging.destination.name", "orders")
                        .setAttribute("messaging.batch.message_count", 2L)
                        .setAttribute("faas.invocation_id", w).setAttribute("faas.coldstart", true).startSpan();
                Context cw = Context.root().with(wk);
                dynamo(ow, cw, "UpdateItem", 905, 925);
                Span eb = ow.spanBuilder("orders-bus send").setParent(cw).setSpanKind(SpanKind.PRODUCER)
                        .setStartTimestamp(at(930))
                        .setAttribute("messaging.system", "aws.eventbridge").setAttribute("messaging.operation.type", "send")
                        .setAttribute("messaging.destination.name", "orders-bus").setAttribute(messageId, evt)
                        .startSpan();
                eb.end(at(940));
                Span pub = ow.spanBuilder("order-events publish").setParent(cw).setSpanKind(SpanKind.PRODUCER)
                        .setStartTimestamp(at(950))
                        .setAttribute("messaging.system", "aws.sns").setAttribute("messaging.operation.type", "send")
                        .setAttribute("messaging.destination.name", "order-events").startSpan();
                pub.end(at(956));
                wk.end(at(1000));
                orderWorker.flush();

                // E: SNS delivered the publish span's context as the parent; the invocation id is in faas.execution.
                Span em = emailerFn.tracer.spanBuilder("order-events process")
                        .setParent(Context.root().with(Span.wrap(remote(pub.getSpanContext()))))
                        .setSpanKind(SpanKind.CONSUMER).setStartTimestamp(at(980))
                        .setAttribute("faas.trigger", "pubsub").setAttribute("messaging.system", "aws.sns")
                        .setAttribute("messaging.operation.type", "process")
                        .setAttribute("messaging.destination.name", "order-events")
                        .setAttribute("faas.execution", e).setAttribute("faas.coldstart", false).startSpan();
                em.end(at(1030));
                emailerFn.flush();

                // T4: EventBridge carried no context, only the event id; the webhook call fails and so does N.
                Tracer nt = notifierFn.tracer;
                Span nf = nt.spanBuilder("orders-bus process").setNoParent().setSpanKind(SpanKind.CONSUMER)
                        .setStartTimestamp(at(1500))
                        .setAttribute("faas.trigger", "pubsub").setAttribute("messaging.system", "aws.eventbridge")
                        .setAttribute("messaging.operation.type", "process")
                        .setAttribute("messaging.destination.name", "orders-bus").setAttribute(messageId, evt)
                        .setAttribute("faas.invocation_id", n).startSpan();
                Span hook = nt.spanBuilder("POST hooks.example.com").setParent(Context.root().with(nf))
                        .setSpanKind(SpanKind.CLIENT).setStartTimestamp(at(1520))
                        .setAttribute("http.request.method", "POST").setAttribute("server.address", "hooks.example.com")
                        .setAttribute("url.full", "https://hooks.example.com/orders").startSpan();
                hook.setAttribute("http.response.status_code", 500L);
                hook.addEvent("exception", Attributes.of(AttributeKey.stringKey("exception.type"), "java.io.IOException",
                        AttributeKey.stringKey("exception.message"), "POST https://hooks.example.com/orders: 500"),
                        at(1689));
                hook.setStatus(StatusCode.ERROR, "HTTP 500");
                hook.end(at(1690));
                nf.setStatus(StatusCode.ERROR, "webhook failed");
                nf.end(at(1700));
                notifierFn.flush();

                t1 = ra.getSpanContext().getTraceId();
                t2 = rb.getSpanContext().getTraceId();
                t3 = wk.getSpanContext().getTraceId();
                t4 = nf.getSpanContext().getTraceId();
                rootA = ra.getSpanContext().getSpanId();
                sendA = sa.getSpanContext().getSpanId();
                rootB = rb.getSpanContext().getSpanId();
                sendB = sb.getSpanContext().getSpanId();
                worker = wk.getSpanContext().getSpanId();
                eventBridge = eb.getSpanContext().getSpanId();
                sns = pub.getSpanContext().getSpanId();
                emailer = em.getSpanContext().getSpanId();
                notifier = nf.getSpanContext().getSpanId();
                webhook = hook.getSpanContext().getSpanId();
                assertThat(em.getSpanContext().getTraceId()).isEqualTo(t3);
            }

            // The Lambda extensions' forwards: reports for A, B, W and N (none for E).
            platform(app, "checkout-api", "arm64", 512,
                    invocation(a, t1, rootA, 0, 118.3, "success", null, 419, 512, 143, 300.0),
                    invocation(b, t2, rootB, 300, 79.3, "success", null, 80, 512, 144, null));
            platform(app, "order-worker", "x86_64", 1024,
                    invocation(w, t3, worker, 900, 99.6, "success", null, 100, 1024, 310, 412.5));
            platform(app, "notifier", "x86_64", 256,
                    invocation(n, t4, notifier, 1500, 201.7, "error", "java.io.UncheckedIOException", 352, 256, 80,
                            150.25));
            return this;
        }

        private Span send(Tracer tracer, Context parent, String message, double from, double to) {
            Span s = tracer.spanBuilder("orders send").setParent(parent).setSpanKind(SpanKind.PRODUCER)
                    .setStartTimestamp(at(from))
                    .setAttribute("messaging.system", "aws_sqs").setAttribute("messaging.operation.type", "send")
                    .setAttribute("messaging.destination.name", "orders").setAttribute("messaging.message.id", message)
                    .startSpan();
            s.end(at(to));
            return s;
        }

        private void dynamo(Tracer tracer, Context parent, String operation, double from, double to) {
            tracer.spanBuilder("DynamoDB." + operation).setParent(parent).setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(at(from))
                    .setAttribute("rpc.system", "aws-api").setAttribute("rpc.service", "DynamoDB")
                    .setAttribute("rpc.method", operation).setAttribute("db.system", "dynamodb")
                    .startSpan().end(at(to));
        }

        private static SpanContext remote(SpanContext local) {
            return SpanContext.createFromRemoteParent(local.getTraceId(), local.getSpanId(), TraceFlags.getSampled(),
                    TraceState.getDefault());
        }

        /** platform.start, platform.runtimeDone and platform.report of one invocation, as the Telemetry API sends them. */
        private String invocation(String requestId, String traceId, String spanId, double startMs, double durationMs,
                                  String status, String errorType, long billedMs, int memoryMb, int usedMb,
                                  Double initMs) {
            String tracing = "{\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=1-" + traceId.substring(0, 8) + "-"
                    + traceId.substring(8) + ";Parent=" + spanId + ";Sampled=1\"}";
            String error = errorType == null ? "" : ",\"errorType\":\"" + errorType + "\"";
            return """
                    {"time":"%s","type":"platform.start","record":{"requestId":"%s","version":"$LATEST","tracing":%s}},
                    {"time":"%s","type":"platform.runtimeDone","record":{"requestId":"%s","status":"%s"%s,
                     "metrics":{"durationMs":%s}}},
                    {"time":"%s","type":"platform.report","record":{"requestId":"%s","status":"%s"%s,
                     "metrics":{"durationMs":%s,"billedDurationMs":%d,"memorySizeMB":%d,"maxMemoryUsedMB":%d%s},
                     "tracing":%s}}""".formatted(
                    at(startMs), requestId, tracing,
                    at(startMs + durationMs), requestId, status, error, durationMs,
                    at(startMs + durationMs + 1), requestId, status, error, durationMs, billedMs, memoryMb, usedMb,
                    initMs == null ? "" : ",\"initDurationMs\":" + initMs, tracing);
        }

        private void platform(AllInOne app, String function, String architecture, int memoryMb, String... invocations) {
            String body = "[" + String.join(",", invocations) + "]";
            HttpResponse<String> r = app.post("/v1/lambda/telemetry", "application/json", body,
                    "X-Fnscope-Function-Name", function, "X-Fnscope-Function-Version", "$LATEST",
                    "X-Fnscope-Region", "us-east-1", "X-Fnscope-Architecture", architecture,
                    "X-Fnscope-Memory-Mb", Integer.toString(memoryMb),
                    "X-Fnscope-Log-Stream", "2026/11/23/[$LATEST]" + UUID.randomUUID().toString().replace("-", ""));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    /** One function's OTel SDK: its resource, exporting over OTLP/HTTP; flushed at the end of each invocation. */
    static final class FunctionSdk implements AutoCloseable {
        final SdkTracerProvider provider;
        final Tracer tracer;

        FunctionSdk(AllInOne app, String name, String hostArch, int memoryMb) {
            Resource resource = Resource.create(Attributes.builder()
                    .put("service.name", name)
                    .put("faas.name", name)
                    .put("faas.version", "$LATEST")
                    .put("faas.max_memory", memoryMb * 1_048_576L)
                    .put("faas.instance", "2026/11/23/[$LATEST]" + UUID.randomUUID().toString().replace("-", ""))
                    .put("cloud.provider", "aws")
                    .put("cloud.platform", "aws_lambda")
                    .put("cloud.region", "us-east-1")
                    .put("cloud.account.id", "123456789012")
                    .put("host.arch", hostArch)
                    .build());
            provider = SdkTracerProvider.builder().setResource(resource)
                    .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                            .setEndpoint(app.otlpHttp("/v1/traces"))
                            .addHeader("Authorization", "Bearer " + AllInOne.KEY).build()).build())
                    .build();
            tracer = provider.get("io.opentelemetry.aws-lambda-events-2.2", "2.10.0");
        }

        void flush() {
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        }

        @Override
        public void close() {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    // ---- reading the API ----

    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static Answer get(String path, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.apiPort + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET().build();
        try {
            HttpResponse<String> r = app.http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A money amount as text without trailing zeros ("null" when absent). */
    static String usd(JsonNode n) {
        return n.isNumber() ? n.decimalValue().stripTrailingZeros().toPlainString() : n.asText();
    }

    static String invocation(JsonNode i) {
        return i.path("function").asText() + "/" + i.path("invocationId").asText() + " cold="
                + i.path("coldStart").asBoolean() + " init=" + i.path("initDurationMs").asText() + " duration="
                + i.path("durationMs").asText() + " billed=" + i.path("billedDurationMs").asText() + " memory="
                + i.path("memoryMb").asText() + " used=" + i.path("maxMemoryUsedMb").asText() + " status="
                + i.path("status").asText() + " cost=" + usd(i.path("costUsd")) + " exact="
                + i.path("costExact").asBoolean() + " flags=" + i.path("costFlags");
    }
}
