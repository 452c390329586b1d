package io.fnscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.cost.InvocationUsage;
import io.fnscope.query.TestObjects.Half;
import io.fnscope.query.TestObjects.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static io.fnscope.query.TestObjects.MS;
import static io.fnscope.query.TestObjects.T0;
import static io.fnscope.query.TestObjects.span;
import static io.fnscope.query.TestObjects.usd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The functions view and timeseries on invocation rows: per minute the source with more invocations counts
 * (reports on a tie), rates, cost, memory and right-sizing priced with the cost module.
 *
 * <pre>
 * resize-me (aws, us-east-1, x86_64, 1024 MB)
 *   10:00  3 invocations, span and report halves (tie → reports count):
 *          reports: 100/200/300 ms billed, max used 200/250/300 MB, one cold (init 400), one error;
 *          exact 0.0000018 + 0.0000035 + 0.0000052 = 0.0000105
 *   10:01  2 invocations, span halves only (spans count): 50 and 150 ms, one cold; estimates 0.000001 + 0.000002
 * </pre>
 */
class ITFunctionApi {
    static QueryApiHarness api;
    static final String RANGE = "from=" + (T0 / MS) + "&to=" + (T0 / MS + 180_000); // [10:00, 10:03)

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
        String trace = TestObjects.traceId();
        List<Half> halves = new ArrayList<>();
        double[] ms = {100, 200, 300};
        long[] used = {200, 250, 300};
        String[] exact = {"0.0000018", "0.0000035", "0.0000052"};
        for (int i = 0; i < 3; i++) {
            Span s = span(trace).function("resize-me").service("resizer").invocation("r" + i).kind("server")
                    .at(T0 + i * 1000 * MS, (long) (ms[i] * MS));
            halves.add(Half.ofSpan(s, usd("0.000001")).memory(1024));
            halves.add(Half.ofReport("acme", "resize-me", "r" + i, s.startNs, 1024, ms[i], (long) ms[i],
                    i == 0 ? 400.0 : null, used[i], i == 1 ? "error" : "ok", usd(exact[i])));
        }
        Span cold = span(trace).function("resize-me").service("resizer").invocation("s0").kind("server")
                .at(T0 + 61_000 * MS, 50 * MS).attr("faas.coldstart", "true");
        Span warm = span(trace).function("resize-me").service("resizer").invocation("s1").kind("server")
                .at(T0 + 62_000 * MS, 150 * MS);
        halves.add(Half.ofSpan(cold, usd("0.000001")).memory(1024));
        halves.add(Half.ofSpan(warm, usd("0.000002")).memory(1024));
        // steady: 12:05 and 12:40, both halves each, so every minute of its hour 12:00 chooses the reports.
        long[] at = {T0 + 7_500_000L * MS, T0 + 9_600_000L * MS};
        for (int i = 0; i < 2; i++) {
            Span s = span(trace).function("steady").service("steady").invocation("st" + i).kind("server")
                    .at(at[i], 20 * MS);
            halves.add(Half.ofSpan(s, usd("0.000001")).memory(512));
            halves.add(Half.ofReport("acme", "steady", "st" + i, s.startNs, 512, 20, 20, null, 100, "ok",
                    usd("0.0000004")));
        }
        TestObjects.insertInvocations(api.clickHouse, halves);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void perFunctionMeasuresCountEachInvocationOnce() {
        QueryApiHarness.Answer a = api.get("/api/v1/functions?" + RANGE);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().path("functions").size()).isEqualTo(1);
        JsonNode f = a.json().path("functions").get(0);
        assertThat(f.path("function").asText()).isEqualTo("resize-me");
        assertThat(f.path("service").asText()).isEqualTo("resizer"); // from the span halves
        assertThat(f.path("invocations").asLong()).isEqualTo(5);      // 3 (reports) + 2 (spans)
        assertThat(f.path("errors").asLong()).isEqualTo(1);
        assertThat(f.path("errorRate").asDouble()).isEqualTo(0.2);
        assertThat(f.path("timeouts").asLong()).isZero();
        assertThat(f.path("coldStarts").asLong()).isEqualTo(2);       // r0 (report init) + s0 (faas.coldstart)
        assertThat(f.path("coldStartRate").asDouble()).isEqualTo(0.4);
        assertThat(f.path("initDurationMs").path("p50").asDouble()).isEqualTo(400.0);
        // 0.0000105 (reports) + 0.000001 + 0.000002 (span estimates) = 0.0000135; / 5 = 0.0000027
        assertThat(f.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000135");
        assertThat(f.path("costPerInvocationUsd").decimalValue()).isEqualByComparingTo("0.0000027");
        // GB-s: (100 + 200 + 300) ms billed × 1 GB + (50 + 150) ms of spans × 1 GB = 0.8
        assertThat(f.path("billedGbSeconds").asDouble()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(f.path("averageDurationMs").asDouble()).isEqualTo(160.0); // (600 + 200) / 5
        JsonNode d = f.path("durationMs");
        assertThat(d.path("p50").asDouble()).isBetween(100.0, 200.0);
        assertThat(d.path("p99").asDouble()).isBetween(200.0, 300.0);
        assertThat(f.path("memory").path("configuredMb").asInt()).isEqualTo(1024);
        assertThat(f.path("memory").path("maxUsedMb").asInt()).isEqualTo(300);
        assertThat(f.path("memory").path("maxUsedRatio").asDouble()).isEqualTo(300.0 / 1024);
        assertThat(a.json().path("invocations").asLong()).isEqualTo(5);
        assertThat(a.json().path("costUsd").decimalValue()).isEqualByComparingTo("0.0000135");
    }

    /**
     * Over [09:10, 13:00) the whole hours 10:00-13:00 come from the hourly roll-up, with the source chosen per hour:
     * resize-me's hour 10:00 saw 5 span halves and 3 report halves, so its spans count (all 5 invocations, priced
     * by their estimates: 3 × 0.000001 + 0.000001 + 0.000002 = 0.000006); steady's hour 12:00 saw 2 and 2, a tie,
     * so its reports count (2 × 0.0000004 = 0.0000008).
     */
    @Test
    void wholeHoursComeFromTheHourlyRollUpWithTheSourceChosenPerHour() {
        String wide = "from=" + (T0 / MS - 3_000_000) + "&to=" + (T0 / MS + 10_800_000);
        QueryApiHarness.Answer a = api.get("/api/v1/functions?" + wide);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode functions = a.json().path("functions");
        assertThat(functions.size()).isEqualTo(2);
        JsonNode resize = functions.get(0);
        assertThat(resize.path("function").asText()).isEqualTo("resize-me");
        assertThat(resize.path("invocations").asLong()).isEqualTo(5);
        assertThat(resize.path("coldStarts").asLong()).isEqualTo(1); // s0's faas.coldstart; r0's init is in its report
        assertThat(resize.path("costUsd").decimalValue()).isEqualByComparingTo("0.000006");
        assertThat(resize.path("memory").path("maxUsedMb").asInt()).isEqualTo(300); // from both sources
        JsonNode steady = functions.get(1);
        assertThat(steady.path("function").asText()).isEqualTo("steady");
        assertThat(steady.path("service").asText()).isEqualTo("steady");
        assertThat(steady.path("invocations").asLong()).isEqualTo(2);
        assertThat(steady.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000008");
        assertThat(steady.path("memory").path("maxUsedMb").asInt()).isEqualTo(100);
        assertThat(a.json().path("invocations").asLong()).isEqualTo(7);
    }

    @Test
    void rightSizingIsPricedWithTheCostModule() {
        JsonNode r = api.get("/api/v1/functions?" + RANGE).json().path("functions").get(0).path("rightSizing");
        // 300 MB used × 1.2 = 360 → 384 (64 MB steps)
        assertThat(r.path("currentMb").asInt()).isEqualTo(1024);
        assertThat(r.path("recommendedMb").asInt()).isEqualTo(384);
        // The same 600 billed ms at 384 MB instead of 1024 MB: (0.375 - 1) GB × 0.6 s × $0.0000166667/GB-s
        // = -0.0000062500125 (request fees cancel), priced by the cost module as the writer would.
        InvocationPricer pricer = api.context.getBean(InvocationPricer.class);
        InvocationUsage usage = InvocationUsage.builder("aws", "us-east-1").architecture("x86_64").memoryMb(1024)
                .billedDurationMs(600).startEpochMs(T0 / MS + 180_000).build();
        double effect = pricer.priceAtMemory(usage, 384).totalUsd() - pricer.price(usage).totalUsd();
        assertThat(effect).isCloseTo(-0.0000062500125, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(r.path("effectUsd").decimalValue()).isEqualByComparingTo(Money.of(effect));
        // to 12 decimals, half-even: -0.000006250012
        assertThat(r.path("effectUsd").decimalValue()).isEqualByComparingTo(new BigDecimal("-0.000006250012"));
        assertThat(r.path("basis").asText()).startsWith("highest memory used 300 MB + 20% headroom");
    }

    @Test
    void timeseriesPerBucketWithZeros() {
        QueryApiHarness.Answer a = api.get("/api/v1/functions/resize-me/timeseries?" + RANGE + "&step=1m");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode points = a.json().path("points");
        assertThat(a.json().path("stepSeconds").asLong()).isEqualTo(60);
        assertThat(points.size()).isEqualTo(3);
        assertThat(points.get(0).path("time").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(points.get(0).path("invocations").asLong()).isEqualTo(3);
        assertThat(points.get(0).path("costUsd").decimalValue()).isEqualByComparingTo("0.0000105");
        assertThat(points.get(0).path("errors").asLong()).isEqualTo(1);
        assertThat(points.get(1).path("invocations").asLong()).isEqualTo(2);
        assertThat(points.get(1).path("coldStarts").asLong()).isEqualTo(1);
        assertThat(points.get(1).path("costUsd").decimalValue()).isEqualByComparingTo("0.000003");
        assertThat(points.get(2).path("invocations").asLong()).isZero();
        assertThat(points.get(2).path("costUsd").decimalValue()).isEqualByComparingTo("0");

        JsonNode wide = api.get("/api/v1/functions/resize-me/timeseries?" + RANGE + "&step=5m").json();
        assertThat(wide.path("points").size()).isEqualTo(1);
        assertThat(wide.path("points").get(0).path("invocations").asLong()).isEqualTo(5);
        JsonNode byDefault = api.get("/api/v1/functions/resize-me/timeseries?" + RANGE).json();
        assertThat(byDefault.path("stepSeconds").asLong()).isEqualTo(60); // 3 minutes → 1m gives 3 ≤ 60 points
    }

    @Test
    void badFunctionRequests() {
        assertBad("/api/v1/functions/resize-me/timeseries?" + RANGE + "&step=90s", "parameter 'step' must be a whole"
                + " number of minutes (1m, 5m, 1h, PT15M), the resolution of the roll-up, got '90s'");
        assertBad("/api/v1/functions/resize-me/timeseries?" + RANGE + "&step=often", "parameter 'step' must be a"
                + " duration such as 250ms, 1.5s, 5m, 1h or PT5M, got 'often'");
        assertBad("/api/v1/functions/resize-me/timeseries?from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z&step=1m",
                "step 1m over 2d gives 2880 points, more than fnscope.query.max-points (1440); use a step of at least 2m");
        assertBad("/api/v1/functions?from=2026-10-01T00:00:00Z&to=2026-11-20T00:00:00Z", "the time range from"
                + " 2026-10-01T00:00:00Z to 2026-11-20T00:00:00Z is 50d, longer than fnscope.query.max-range (31d);"
                + " ask for a shorter range");
        assertBad("/api/v1/functions?to=1795168800000&from=1795172400000", "from (2026-11-20T11:00:00Z) is after to"
                + " (2026-11-20T10:00:00Z); swap them");
        assertBad("/api/v1/functions?function=x", "unknown parameter 'function'; this endpoint takes [from, to]");
    }

    @Test
    void theFirstHoursOf1970AreARangeLikeAnyOther() {
        // from=0 answered 500: ClickHouse did not read the parameter "0" as a Unix time (ParameterText pads it now).
        QueryApiHarness.Answer a = api.get("/api/v1/functions?from=0&to=3600000");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().path("functions").size()).isZero();
        QueryApiHarness.Answer cost = api.get("/api/v1/cost?groupBy=route&from=0&to=86400000");
        assertThat(cost.status()).as(cost.body()).isEqualTo(200);
        assertThat(cost.json().path("groups").size()).isZero();
    }

    @Test
    void otherTenantsSeeNone() {
        JsonNode other = api.get("/api/v1/functions?" + RANGE, TestObjects.GLOBEX_VIEWER).json();
        assertThat(other.path("functions").size()).isZero();
        assertThat(api.get("/api/v1/functions/resize-me/timeseries?" + RANGE, TestObjects.GLOBEX_VIEWER).json()
                .path("points").get(0).path("invocations").asLong()).isZero();
    }

    private static void assertBad(String path, String message) {
        QueryApiHarness.Answer a = api.get(path);
        assertThat(a.status()).as(path + " → " + a.body()).isEqualTo(400);
        assertThat(a.error()).isEqualTo(message);
    }
}
