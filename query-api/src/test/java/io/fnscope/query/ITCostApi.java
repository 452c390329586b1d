package io.fnscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.fnscope.query.TestObjects.MS;
import static io.fnscope.query.TestObjects.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Cost breakdowns on {@link ScenarioRows}, and cost per request of its entry point. */
class ITCostApi {
    static QueryApiHarness api;
    static final String RANGE = "from=" + (T0 / MS) + "&to=" + (T0 / MS + 60_000);

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
        new ScenarioRows("acme", T0).write(api.clickHouse);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void byFunctionServiceAndTrigger() {
        assertThat(groups("function")).containsExactly(
                "order-worker 1 0.0000093", "checkout-api 2 0.0000047", "notifier 1 0.0000027", "emailer 1 0.0000004");
        assertThat(groups("service")).containsExactly(
                "order-worker-svc 1 0.0000093", "checkout-api-svc 2 0.0000047", "notifier-svc 1 0.0000027",
                "emailer-svc 1 0.0000004");
        // http: req-a + req-b; pubsub: w-1 + e-1 + n-1 = 0.0000093 + 0.0000004 + 0.0000027
        assertThat(groups("trigger")).containsExactly("pubsub 3 0.0000124", "http 2 0.0000047");
        JsonNode f = api.get("/api/v1/cost?groupBy=function&" + RANGE).json();
        assertThat(f.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000171");
        assertThat(f.path("groups").get(0).path("share").asDouble()).isEqualTo(93.0 / 171);
    }

    @Test
    void costPerRequestOfAnEntryPoint() {
        QueryApiHarness.Answer a = api.get("/api/v1/cost?groupBy=route&" + RANGE);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode g = a.json().path("groups");
        assertThat(g.size()).isEqualTo(1);
        JsonNode checkout = g.get(0);
        assertThat(checkout.path("key").asText()).isEqualTo("POST /checkout");
        assertThat(checkout.path("requests").asLong()).isEqualTo(2); // T1 and T2; T3, T4 start with consumers
        // own: req-a 0.0000035 + req-b 0.0000012 = 0.0000047
        assertThat(checkout.path("directCostUsd").decimalValue()).isEqualByComparingTo("0.0000047");
        // T4 (n-1 0.0000027) leads back to T3 only; T3 (w-1 0.0000093 + e-1 0.0000004 + T4's 0.0000027 = 0.0000124)
        // is split between T1 and T2, whose sends it consumed: 0.0000062 each.
        assertThat(checkout.path("downstreamCostUsd").decimalValue()).isEqualByComparingTo("0.0000124");
        assertThat(checkout.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000171");
        // 0.0000171 / 2 requests
        assertThat(checkout.path("costPerRequestUsd").decimalValue()).isEqualByComparingTo("0.00000855");
        assertThat(checkout.path("invocations").asLong()).isEqualTo(5);
        assertThat(checkout.path("downstreamTraces").asInt()).isEqualTo(2);
        assertThat(checkout.path("functions").toString())
                .isEqualTo("[\"checkout-api\",\"emailer\",\"notifier\",\"order-worker\"]");
        assertThat(a.json().path("downstreamWindowMs").asLong()).isEqualTo(3_600_000);
        assertThat(a.json().path("truncated").asBoolean()).isFalse();
    }

    @Test
    void badCostRequests() {
        QueryApiHarness.Answer a = api.get("/api/v1/cost?groupBy=region");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error()).isEqualTo("parameter 'groupBy' must be function, service, trigger or route, got 'region'");
        QueryApiHarness.Answer range = api.get("/api/v1/cost?groupBy=route&from=2026-11-18T00:00:00Z&to=2026-11-20T00:00:00Z");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.error()).isEqualTo("the time range from 2026-11-18T00:00:00Z to 2026-11-20T00:00:00Z is 2d,"
                + " longer than fnscope.query.max-search-range (groupBy=route reads spans) (1d); ask for a shorter range");
        assertThat(api.get("/api/v1/cost?groupBy=function&from=2026-11-18T00:00:00Z&to=2026-11-20T00:00:00Z").status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/cost?" + RANGE, TestObjects.GLOBEX_VIEWER).json().path("groups").size()).isZero();
    }

    private static List<String> groups(String by) {
        QueryApiHarness.Answer a = api.get("/api/v1/cost?groupBy=" + by + "&" + RANGE);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().path("groupBy").asText()).isEqualTo(by);
        List<String> out = new ArrayList<>();
        a.json().path("groups").forEach(g -> out.add(g.path("key").asText() + " " + g.path("invocations").asLong()
                + " " + g.path("costUsd").decimalValue().toPlainString()));
        return out;
    }
}
