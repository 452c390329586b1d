package io.fnscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fnscope.query.TestObjects.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transactions endpoint on {@link ScenarioRows}: the same transaction from each of its traces, hops of every
 * kind with their wait times, the critical path, cold starts, the error origin and the cost, then each bound.
 */
class ITTransactionApi {
    static QueryApiHarness api;
    static ScenarioRows s;

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
        s = new ScenarioRows("acme", T0).write(api.clickHouse);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theWholeTransactionFromAnyOfItsTraces() {
        for (String from : List.of(s.t1, s.t2, s.t3, s.t4)) {
            QueryApiHarness.Answer a = api.get("/api/v1/transactions/" + from);
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            JsonNode t = a.json();
            assertThat(t.path("traceId").asText()).isEqualTo(from);
            List<String> traces = new ArrayList<>();
            t.path("traces").forEach(x -> traces.add(x.path("traceId").asText()));
            assertThat(traces).containsExactly(s.t1, s.t2, s.t3, s.t4); // by start time
            assertThat(t.path("spanCount").asInt()).isEqualTo(12);
            assertThat(t.path("truncated").path("any").asBoolean()).isFalse();
            // End to end: T1's root starts at 0, the notifier ends at 1700 ms.
            assertThat(t.path("durationMs").asDouble()).isEqualTo(1700.0);
            // req-a 0.0000035 + req-b 0.0000012 + w-1 0.0000093 + e-1 0.0000004 + n-1 0.0000027 = 0.0000171
            assertThat(t.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000171");
            assertThat(t.path("costExact").asBoolean()).isFalse(); // e-1 has only its span's estimate
            assertThat(t.path("pricedInvocations").asInt()).isEqualTo(5);
        }
        JsonNode fromT4 = api.get("/api/v1/transactions/" + s.t4).json();
        List<Integer> depths = new ArrayList<>();
        fromT4.path("traces").forEach(x -> depths.add(x.path("depth").asInt()));
        assertThat(depths).containsExactly(2, 2, 1, 0); // T4 → (message) T3 → (links) T1, T2
    }

    @Test
    void hopsOfEveryKindWithTheirWaitTimes() {
        JsonNode t = api.get("/api/v1/transactions/" + s.t1).json();
        List<String> hops = new ArrayList<>();
        t.path("hops").forEach(h -> hops.add(h.path("from").asText() + " -" + h.path("via").asText() + "-> "
                + h.path("to").asText() + " " + h.path("system").asText() + ":" + h.path("destination").asText()
                + " wait " + h.path("waitMs").asDouble()));
        assertThat(hops).containsExactly(
                "checkout-api/req-a -link-> order-worker/w-1 aws_sqs:orders wait 850.0",     // 900 - 50
                "checkout-api/req-b -link-> order-worker/w-1 aws_sqs:orders wait 590.0",     // 900 - 310
                "order-worker/w-1 -parent-> emailer/e-1 aws_sns:order-events wait 30.0",     // 980 - 950
                "order-worker/w-1 -message-> notifier/n-1 aws_eventbridge:orders-bus wait 570.0"); // 1500 - 930
        JsonNode toNotifier = t.path("hops").get(3);
        assertThat(toNotifier.path("messageId").asText()).isEqualTo("evt-1");
        assertThat(toNotifier.path("producer").path("spanId").asText()).isEqualTo(s.eventBridge.spanId);
        assertThat(toNotifier.path("consumer").path("spanId").asText()).isEqualTo(s.notifier.spanId);
        assertThat(toNotifier.path("consumerColdStart").asBoolean()).isTrue();
        assertThat(toNotifier.path("consumerInitDurationMs").asDouble()).isEqualTo(150.25);
        assertThat(t.path("invocations").size()).isEqualTo(5);
    }

    @Test
    void criticalPathColdStartsAndErrorOrigin() {
        JsonNode t = api.get("/api/v1/transactions/" + s.t2).json();
        JsonNode path = t.path("criticalPath");
        List<String> steps = new ArrayList<>();
        double sum = 0;
        for (JsonNode step : path.path("steps")) {
            steps.add(step.path("type").asText() + " " + (step.path("node").isNull() ? step.path("label").asText()
                    : step.path("node").asText()) + " " + step.path("durationMs").asDouble());
            sum += step.path("durationMs").asDouble();
        }
        // Back from the notifier (ends last, 1700): its message came from w-1's EventBridge send (930); w-1 waited
        // for the later of its two messages, req-b's send (310 > 50); req-b has no predecessor.
        assertThat(steps).containsExactly(
                "invocation checkout-api/req-b 10.0",        // 300 → 310 (send)
                "hop aws_sqs:orders 590.0",                   // 310 → 900
                "invocation order-worker/w-1 30.0",           // 900 → 930 (EventBridge send)
                "hop aws_eventbridge:orders-bus 570.0",       // 930 → 1500
                "invocation notifier/n-1 200.0");             // 1500 → 1700
        assertThat(path.path("durationMs").asDouble()).isEqualTo(1400.0); // 1700 - 300
        assertThat(sum).isEqualTo(1400.0);
        assertThat(path.path("startTime").asText()).isEqualTo(TestObjects.iso(T0 + 300 * TestObjects.MS));

        JsonNode cold = t.path("coldStarts");
        assertThat(cold.path("count").asInt()).isEqualTo(3); // req-a, w-1, n-1
        assertThat(cold.path("onCriticalPath").asInt()).isEqualTo(2);
        assertThat(cold.path("addedLatencyMs").asDouble()).isEqualTo(562.75); // 412.5 + 150.25
        List<String> colds = new ArrayList<>();
        cold.path("invocations").forEach(c -> colds.add(c.path("node").asText() + " " + c.path("initDurationMs").asDouble()
                + " " + c.path("onCriticalPath").asBoolean()));
        assertThat(colds).containsExactly("checkout-api/req-a 300.0 false", "order-worker/w-1 412.5 true",
                "notifier/n-1 150.25 true");

        JsonNode origin = t.path("errorOrigin");
        assertThat(origin.path("spanId").asText()).isEqualTo(s.webhook.spanId); // not the notifier span: it propagates
        assertThat(origin.path("name").asText()).isEqualTo("POST hooks.example.com");
        assertThat(origin.path("statusMessage").asText()).isEqualTo("HTTP 500");
        assertThat(origin.path("node").asText()).isEqualTo("notifier/n-1");
        assertThat(origin.path("traceId").asText()).isEqualTo(s.t4);
        assertThat(origin.path("candidates").asInt()).isEqualTo(1);
        assertThat(t.path("errorSpans").asInt()).isEqualTo(2);
    }

    @Test
    void eachBoundCutsAndSaysSo() {
        try (QueryApiHarness depth1 = new QueryApiHarness(Map.of("fnscope.query.transaction.max-depth", 1))) {
            ScenarioRows r = new ScenarioRows("acme", T0).write(depth1.clickHouse);
            JsonNode t = depth1.get("/api/v1/transactions/" + r.t1).json();
            assertThat(traceIds(t)).containsExactly(r.t1, r.t3);
            assertThat(t.path("truncated").toString())
                    .isEqualTo("{\"any\":true,\"depth\":true,\"traces\":false,\"window\":false,\"spans\":false}");
            assertThat(t.path("limits").path("maxDepth").asInt()).isEqualTo(1);
        }
        try (QueryApiHarness traces2 = new QueryApiHarness(Map.of("fnscope.query.transaction.max-traces", 2))) {
            ScenarioRows r = new ScenarioRows("acme", T0).write(traces2.clickHouse);
            JsonNode t = traces2.get("/api/v1/transactions/" + r.t4).json();
            assertThat(traceIds(t)).containsExactly(r.t3, r.t4);
            assertThat(t.path("truncated").path("traces").asBoolean()).isTrue();
            assertThat(t.path("truncated").path("depth").asBoolean()).isFalse();
        }
        try (QueryApiHarness narrow = new QueryApiHarness(Map.of("fnscope.query.transaction.window", "500ms"))) {
            ScenarioRows r = new ScenarioRows("acme", T0).write(narrow.clickHouse);
            // T1 lies in [0, 120]: the window is [-500, 620]; T3 (from 900) lies beyond it.
            JsonNode t = narrow.get("/api/v1/transactions/" + r.t1).json();
            assertThat(traceIds(t)).containsExactly(r.t1);
            assertThat(t.path("truncated").path("window").asBoolean()).isTrue();
            assertThat(t.path("limits").path("windowMs").asLong()).isEqualTo(500);
        }
        try (QueryApiHarness spans = new QueryApiHarness(Map.of("fnscope.query.transaction.max-spans", 4))) {
            ScenarioRows r = new ScenarioRows("acme", T0).write(spans.clickHouse);
            JsonNode t = spans.get("/api/v1/transactions/" + r.t1).json();
            // T1's 3 spans, then the first of T3's 5 (by start time) fills the cap; T2 and T4 are not followed.
            assertThat(t.path("spanCount").asInt()).isEqualTo(4);
            assertThat(traceIds(t)).containsExactly(r.t1, r.t3);
            assertThat(t.path("truncated").path("spans").asBoolean()).isTrue();
        }
    }

    @Test
    void unknownAndMalformedTraceIds() {
        QueryApiHarness.Answer unknown = api.get("/api/v1/transactions/" + TestObjects.traceId());
        assertThat(unknown.status()).isEqualTo(404);
        QueryApiHarness.Answer bad = api.get("/api/v1/transactions/xyz");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).startsWith("traceId must be 32 hex digits");
    }

    private static List<String> traceIds(JsonNode t) {
        List<String> ids = new ArrayList<>();
        t.path("traces").forEach(x -> ids.add(x.path("traceId").asText()));
        return ids;
    }
}
