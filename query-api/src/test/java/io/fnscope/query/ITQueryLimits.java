package io.fnscope.query;

import io.fnscope.query.TestObjects.Span;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.fnscope.query.TestObjects.MS;
import static io.fnscope.query.TestObjects.T0;
import static io.fnscope.query.TestObjects.span;
import static org.assertj.core.api.Assertions.assertThat;

/** Every statement carries the API's memory cap; a query that needs more is answered 503 naming the key. */
class ITQueryLimits {

    @Test
    void aQueryOverItsMemoryCapIsRefusedNamingTheKey() {
        try (QueryApiHarness api = new QueryApiHarness(Map.of("fnscope.query.max-memory", "1MB"))) {
            List<Span> spans = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                spans.add(span(TestObjects.traceId()).name("n" + (i % 50)).at(T0 + i * MS, MS).service("load"));
            }
            TestObjects.insertSpans(api.clickHouse, spans);
            QueryApiHarness.Answer a = api.get("/api/v1/traces?from=" + (T0 / MS) + "&to=" + (T0 / MS + 3_600_000)
                    + "&service=load&limit=1000");
            assertThat(a.status()).as(a.body()).isEqualTo(503);
            assertThat(a.error()).isEqualTo("the query needed more memory than fnscope.query.max-memory (1048576 bytes);"
                    + " ask for a shorter time range or add filters");
            // The engine is fine afterwards: the next (small) query answers.
            assertThat(api.get("/api/v1/traces/" + TestObjects.traceId()).status()).isEqualTo(404);
        }
    }

    @Test
    void statementsBeyondTheConcurrencyBoundWaitTheirTurnAndThenAre503() throws Exception {
        try (QueryApiHarness api = new QueryApiHarness(Map.of("fnscope.query.max-concurrent-statements", 1,
                "fnscope.query.queue-timeout", "300ms"))) {
            QuerySql sql = api.context.getBean(QuerySql.class);
            // A real statement that holds the only turn for 1.5 s.
            CompletableFuture<List<Long>> holder = CompletableFuture.supplyAsync(() -> sql.run("sleep",
                    "SELECT count() AS n FROM numbers(3) WHERE sleepEachRow(0.5) = 0", Map.of(), r -> r.getLong("n")));
            Thread.sleep(300); // the holder has its turn

            QueryApiHarness.Answer busy = api.get("/api/v1/functions");
            assertThat(busy.status()).as(busy.body()).isEqualTo(503);
            assertThat(busy.raw().headers().firstValue("Retry-After")).hasValue("2");
            assertThat(busy.error()).isEqualTo("the query API runs 1 statements at once"
                    + " (fnscope.query.max-concurrent-statements) and this request waited 300 ms (fnscope.query.queue-timeout)"
                    + " for a turn; retry in a few seconds, or ask for less");

            assertThat(holder.get(10, TimeUnit.SECONDS)).containsExactly(3L);
            assertThat(api.get("/api/v1/functions").status()).as("a turn is free again").isEqualTo(200);
        }
    }

    @Test
    void noApiBeansWhenTheQueryRoleIsOff() {
        Map<String, Object> p = new java.util.HashMap<>(TestObjects.keys());
        p.put("fnscope.query.enabled", false);
        p.put("fnscope.collector.enabled", false);
        p.put("fnscope.writer.enabled", false);
        p.put("fnscope.kafka.embedded.enabled", false);
        try (ApplicationContext ctx = ApplicationContext.run(p)) {
            assertThat(ctx.containsBean(QueryApi.class)).isFalse();
            assertThat(ctx.containsBean(TraceStore.class)).isFalse();
            assertThat(ctx.containsBean(ApiAuthFilter.class)).isFalse();
            assertThat(ctx.containsBean(QuerySql.class)).isFalse();
        }
    }
}
