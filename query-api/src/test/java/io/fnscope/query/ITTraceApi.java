package io.fnscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fnscope.clickhouse.SqlFile;
import io.fnscope.query.TestObjects.Half;
import io.fnscope.query.TestObjects.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.fnscope.query.TestObjects.MS;
import static io.fnscope.query.TestObjects.T0;
import static io.fnscope.query.TestObjects.span;
import static io.fnscope.query.TestObjects.usd;
import static org.assertj.core.api.Assertions.assertThat;

/** Trace by id and trace search through the HTTP API, on rows written into the embedded ClickHouse. */
class ITTraceApi {
    static QueryApiHarness api;
    static String traceA;
    static String traceB;
    static Span root;
    static Span send;
    static Span consumer;
    /** [T0 - 1h, T0 + 1h) in epoch ms, around every fixture. */
    static final String RANGE = "from=" + (T0 / MS / 1000 * 1000 - 3_600_000) + "&to=" + (T0 / MS + 3_600_000);

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
        traceA = TestObjects.traceId();
        traceB = TestObjects.traceId();
        root = span(traceA).name("POST /checkout").kind("server").at(T0, 120 * MS).service("checkout")
                .function("checkout-api").invocation("inv-a1").attr("http.route", "/checkout")
                .attr("http.request.method", "POST").attr("faas.trigger", "http").attr("faas.coldstart", "true")
                .resource("deployment.environment", "prod");
        Span dynamo = span(traceA).parent(root).name("DynamoDB.PutItem").kind("client").at(T0 + 10 * MS, 30 * MS)
                .service("checkout").function("checkout-api").invocation("inv-a1").attr("db.system", "dynamodb")
                .attr("aws.dynamodb.table_names", "orders");
        send = span(traceA).parent(root).name("orders send").kind("producer").at(T0 + 50 * MS, 5 * MS)
                .service("checkout").function("checkout-api").invocation("inv-a1").attr("messaging.system", "aws_sqs")
                .attr("messaging.destination.name", "orders").attr("messaging.message.id", "m-1");
        Span validate = span(traceA).parent(root).name("validate").at(T0 + 60 * MS, 10 * MS).service("checkout")
                .function("checkout-api").invocation("inv-a1")
                .event(T0 + 65 * MS, "exception", Map.of("exception.type", "IllegalStateException"));
        consumer = span(traceB).name("orders process").kind("consumer").at(T0 + 200 * MS, 50 * MS)
                .service("worker").function("order-worker").invocation("inv-b1").attr("faas.trigger", "pubsub")
                .link(send).error("boom");
        TestObjects.insertSpans(api.clickHouse, List.of(root, dynamo, send, validate, consumer));
        TestObjects.insertInvocations(api.clickHouse, List.of(
                Half.ofSpan(root, usd("0.000001")),
                Half.ofReport("acme", "checkout-api", "inv-a1", T0, 512, 119.3, 120, 250.5, 80, "ok", usd("0.0000025")),
                Half.ofSpan(consumer, usd("0.0000004"))));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void aTraceCutAtItsSpanCapShowsTheInvocationsOfTheSpansItShows() {
        try (QueryApiHarness capped = new QueryApiHarness(Map.of("fnscope.query.max-trace-spans", 2))) {
            String trace = TestObjects.traceId();
            Span entry = span(trace).name("GET /a").kind("server").at(T0, 50 * MS).service("a").function("fn-a")
                    .invocation("inv-x1");
            Span child = span(trace).parent(entry).name("work").at(T0 + MS, 5 * MS).service("a").function("fn-a")
                    .invocation("inv-x1");
            Span later = span(trace).parent(child).name("GET /b").kind("server").at(T0 + 10 * MS, 20 * MS)
                    .service("b").function("fn-b").invocation("inv-x2");
            TestObjects.insertSpans(capped.clickHouse, List.of(entry, child, later));
            TestObjects.insertInvocations(capped.clickHouse, List.of(Half.ofSpan(entry, usd("0.000001")),
                    Half.ofSpan(later, usd("0.000002"))));
            JsonNode t = capped.get("/api/v1/traces/" + trace).json();
            assertThat(t.path("truncated").asBoolean()).isTrue();
            assertThat(t.path("spanCount").asInt()).isEqualTo(2);
            List<String> invocations = new ArrayList<>();
            t.path("invocations").forEach(i -> invocations.add(i.path("invocationId").asText()));
            assertThat(invocations).containsExactly("inv-x1"); // inv-x2's span is beyond the cap
            assertThat(t.path("costUsd").decimalValue()).isEqualByComparingTo("0.000001");
        }
    }

    @Test
    void aTraceWithMoreInvocationKeysThanItsSpanCapFindsThemInItsSpans() {
        try (QueryApiHarness capped = new QueryApiHarness(Map.of("fnscope.query.max-trace-spans", 2))) {
            String trace = TestObjects.traceId();
            Span a = span(trace).name("GET /a").kind("server").at(T0, 50 * MS).service("a").function("fn-a")
                    .invocation("inv-y1");
            Span b = span(trace).parent(a).name("GET /b").kind("server").at(T0 + MS, 20 * MS).service("b")
                    .function("fn-b").invocation("inv-y2");
            Span c = span(trace).parent(b).name("GET /c").kind("server").at(T0 + 2 * MS, 10 * MS).service("c")
                    .function("fn-c").invocation("inv-y3");
            TestObjects.insertSpans(capped.clickHouse, List.of(a, b, c));
            TestObjects.insertInvocations(capped.clickHouse, List.of(Half.ofSpan(a, usd("0.000001")),
                    Half.ofSpan(b, usd("0.000002")), Half.ofSpan(c, usd("0.000004"))));
            JsonNode t = capped.get("/api/v1/traces/" + trace).json();
            assertThat(t.path("truncated").asBoolean()).isTrue();
            List<String> invocations = new ArrayList<>();
            t.path("invocations").forEach(i -> invocations.add(i.path("invocationId").asText()));
            assertThat(invocations).containsExactly("inv-y1", "inv-y2"); // 3 keys > 2: read from the spans
            assertThat(t.path("costUsd").decimalValue()).isEqualByComparingTo("0.000003");
        }
    }

    @Test
    void anInvocationWhoseHalvesLieInTwoDailyPartitionsAndOneTwiceIsOneFoldedInvocation() {
        // The platform says the invocation started before midnight (it includes the init phase); the span starts
        // after it: the halves are in two daily partitions of invocations, and a redelivery stored the report twice.
        long midnight = T0 + 14 * 3_600_000 * MS; // 2026-11-21T00:00:00Z
        String trace = TestObjects.traceId();
        Span entry = span(trace).name("GET /late").kind("server").at(midnight + 100 * MS, 40 * MS).service("late")
                .function("late-fn").invocation("inv-m1").attr("faas.trigger", "http").attr("faas.coldstart", "true");
        TestObjects.insertSpans(api.clickHouse, List.of(entry));
        Half report = Half.ofReport("acme", "late-fn", "inv-m1", midnight - 300 * MS, 256, 39.5, 40, 310.0, 60, "ok",
                usd("0.0000017"));
        TestObjects.insertInvocations(api.clickHouse, List.of(Half.ofSpan(entry, usd("0.0000001"))));
        TestObjects.insertInvocations(api.clickHouse, List.of(report));
        TestObjects.insertInvocations(api.clickHouse, List.of(report));
        assertThat(api.clickHouse.query("SELECT uniqExact(_partition_id) AS p, count() AS n FROM "
                + api.clickHouse.database() + ".invocations WHERE invocation_id = 'inv-m1'", Map.of(),
                r -> r.getLong("p") + " partitions, " + r.getLong("n") + " rows")).containsExactly("2 partitions, 3 rows");

        JsonNode t = api.get("/api/v1/traces/" + trace).json();
        assertThat(t.path("invocations").size()).as(t.toString()).isEqualTo(1);
        JsonNode inv = t.path("spans").get(0).path("invocation");
        assertThat(inv.path("invocationId").asText()).isEqualTo("inv-m1");
        assertThat(inv.path("trigger").asText()).isEqualTo("http"); // from the span half
        assertThat(inv.path("coldStart").asBoolean()).isTrue();
        assertThat(inv.path("billedDurationMs").asLong()).isEqualTo(40); // from the report half
        assertThat(inv.path("initDurationMs").asDouble()).isEqualTo(310.0);
        assertThat(inv.path("memoryMb").asInt()).isEqualTo(256);
        assertThat(inv.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000017");
        assertThat(inv.path("costExact").asBoolean()).isTrue();
        assertThat(t.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000017");
    }

    @Test
    void linksIntoATraceCountWithinTheTransactionWindowOnEitherSide() {
        try (QueryApiHarness narrow = new QueryApiHarness(Map.of("fnscope.query.transaction.window", "500ms"))) {
            String target = TestObjects.traceId();
            Span t = span(target).name("publish").kind("producer").at(T0, 100 * MS).service("pub").function("pub-fn");
            // The trace lies in [T0, T0 + 100 ms], so the window is [T0 - 500 ms, T0 + 600 ms].
            Span before = span(TestObjects.traceId()).name("early").kind("consumer").at(T0 - 450 * MS, 5 * MS)
                    .service("c").link(t);
            Span tooEarly = span(TestObjects.traceId()).name("too early").kind("consumer").at(T0 - 550 * MS, 5 * MS)
                    .service("c").link(t);
            Span after = span(TestObjects.traceId()).name("late").kind("consumer").at(T0 + 590 * MS, 5 * MS)
                    .service("c").link(t);
            Span tooLate = span(TestObjects.traceId()).name("too late").kind("consumer").at(T0 + 610 * MS, 5 * MS)
                    .service("c").link(t);
            TestObjects.insertSpans(narrow.clickHouse, List.of(t, before, tooEarly, after, tooLate));

            JsonNode view = narrow.get("/api/v1/traces/" + target).json();
            Set<String> in = new HashSet<>();
            view.path("linksIn").forEach(l -> in.add(l.path("name").asText()));
            assertThat(in).as(view.toString()).containsExactlyInAnyOrder("early", "late");
        }
    }

    @Test
    void theInvocationRowsOfATraceAreLookedUpInTheDaysOfItsWindowOnly() {
        // FINAL prunes nothing by start_time, so the statement names the partitions itself: with invocation rows on
        // five earlier days, a lookup around T0 opens the parts of T0's day and no other.
        List<Half> earlier = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            earlier.add(Half.ofReport("acme", "old-fn", "inv-d" + day, T0 - day * 86_400_000 * MS, 128, 5.0, 5, null,
                    20, "ok", usd("0.0000001")));
        }
        TestObjects.insertInvocations(api.clickHouse, earlier);
        String db = api.clickHouse.database();
        Map<String, Long> partsByDay = new HashMap<>();
        api.clickHouse.query("SELECT partition, count() AS n FROM system.parts WHERE database = {db:String}"
                + " AND table = 'invocations' AND active GROUP BY partition", Map.of("db", db),
                r -> partsByDay.put(r.getString("partition"), r.getLong("n")));
        assertThat(partsByDay).hasSizeGreaterThanOrEqualTo(6).containsKey("2026-11-20");

        String statement = SqlFile.render(QuerySql.LOCATION + "select_invocations_by_key.sql",
                Map.of("database", db));
        List<String> plan = api.clickHouse.query("EXPLAIN indexes = 1 " + statement, Map.of("tenant", "acme",
                "functions", List.of("checkout-api"), "invocation_ids", List.of("inv-a1"),
                "from", Instant.ofEpochSecond(0, T0), "to", Instant.ofEpochSecond(0, T0 + 120 * MS)),
                r -> r.getString("explain"));
        Matcher parts = Pattern.compile("Parts: \\d+/(\\d+)")
                .matcher(String.join("\n", plan));
        assertThat(parts.find()).as(String.join("\n", plan)).isTrue();
        assertThat(Long.parseLong(parts.group(1))).as(String.join("\n", plan)).isEqualTo(partsByDay.get("2026-11-20"));
    }

    @Test
    void aTraceWrittenInTwoInsertsAcrossMidnightIsReadWhole() {
        long midnight = T0 + 14 * 3_600_000 * MS; // 2026-11-21T00:00:00Z
        String trace = TestObjects.traceId();
        Span entry = span(trace).name("GET /night").kind("server").at(midnight - 50 * MS, 120 * MS).service("night")
                .function("night-fn").invocation("inv-n1");
        Span child = span(trace).parent(entry).name("work").at(midnight + 10 * MS, 40 * MS).service("night")
                .function("night-fn").invocation("inv-n1");
        TestObjects.insertSpans(api.clickHouse, List.of(child)); // the child's batch first, then the entry's
        TestObjects.insertSpans(api.clickHouse, List.of(entry));
        assertThat(api.clickHouse.query("SELECT uniqExact(_partition_id) AS p FROM " + api.clickHouse.database()
                + ".trace_index WHERE trace_id = unhex({t:String})", Map.of("t", trace), r -> r.getLong("p")))
                .containsExactly(2L);

        JsonNode t = api.get("/api/v1/traces/" + trace).json();
        assertThat(t.path("spanCount").asInt()).as(t.toString()).isEqualTo(2);
        assertThat(t.path("startTime").asText()).isEqualTo("2026-11-20T23:59:59.950Z");
        assertThat(t.path("durationMs").asDouble()).isEqualTo(120.0);
        assertThat(t.path("spans").get(0).path("children").get(0).path("name").asText()).isEqualTo("work");
    }

    @Test
    void traceIndexHoldsTheInvocationKeysTheTraceIsReadBy() {
        List<String> keys = api.clickHouse.query("SELECT arrayStringConcat(arrayMap(k -> concat(k.1, '/', k.2),"
                + " arraySort(groupUniqArrayArray(invocations))), ',') AS k, max(invocations_indexed) AS indexed"
                + " FROM " + api.clickHouse.database() + ".trace_index WHERE trace_id = unhex({t:String})",
                Map.of("t", traceA), r -> r.getString("k") + " " + r.getLong("indexed"));
        // The root and its children carry inv-a1; the client span with no invocation id adds nothing.
        assertThat(keys).containsExactly("checkout-api/inv-a1 1");
    }

    @Test
    void aTraceIndexedBeforeTheInvocationKeysFindsItsInvocationsInItsSpans() {
        String trace = TestObjects.traceId();
        Span entry = span(trace).name("GET /legacy").kind("server").at(T0, 40 * MS).service("legacy")
                .function("legacy-fn").invocation("inv-l1");
        Span consumer = span(trace).parent(entry).name("jobs process").kind("consumer").at(T0 + MS, 10 * MS)
                .service("legacy").function("legacy-worker"); // keyed by its span id
        TestObjects.insertSpans(api.clickHouse, List.of(entry, consumer));
        TestObjects.insertInvocations(api.clickHouse, List.of(Half.ofSpan(entry, usd("0.000003")),
                Half.ofSpan(consumer, usd("0.000001"))));
        // What trace_index rows written before migration 0124 look like: no keys, not indexed.
        api.clickHouse.execute("ALTER TABLE " + api.clickHouse.database() + ".trace_index UPDATE invocations = [],"
                + " invocations_indexed = 0 WHERE trace_id = unhex({t:String}) SETTINGS mutations_sync = 2",
                Map.of("t", trace), io.fnscope.clickhouse.QueryOptions.NONE);
        // The rest of the trace arrives after the upgrade: its trace_index row has keys, of this part only.
        Span later = span(trace).parent(entry).name("GET /later").kind("server").at(T0 + 20 * MS, 5 * MS)
                .service("later").function("later-fn").invocation("inv-l2");
        TestObjects.insertSpans(api.clickHouse, List.of(later));
        TestObjects.insertInvocations(api.clickHouse, List.of(Half.ofSpan(later, usd("0.000002"))));

        JsonNode t = api.get("/api/v1/traces/" + trace).json();
        List<String> invocations = new ArrayList<>();
        t.path("invocations").forEach(i -> invocations.add(i.path("invocationId").asText()));
        assertThat(invocations).containsExactlyInAnyOrder("inv-l1", consumer.spanId, "inv-l2");
        assertThat(t.path("costUsd").decimalValue()).isEqualByComparingTo("0.000006");
        // The search summary and the transaction take the same keys from the spans they read.
        JsonNode hits = api.get("/api/v1/traces?" + RANGE + "&function=legacy-fn").json().path("traces");
        assertThat(hits.size()).isEqualTo(1);
        assertThat(hits.get(0).path("invocationCount").asInt()).isEqualTo(3);
        assertThat(hits.get(0).path("costUsd").decimalValue()).isEqualByComparingTo("0.000006");
        JsonNode transaction = api.get("/api/v1/transactions/" + trace).json();
        assertThat(transaction.path("costUsd").decimalValue()).isEqualByComparingTo("0.000006");
    }

    @Test
    void traceByIdIsATreeWithItsInvocationAndLinksBothWays() {
        QueryApiHarness.Answer a = api.get("/api/v1/traces/" + traceA);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode t = a.json();
        assertThat(t.path("traceId").asText()).isEqualTo(traceA);
        assertThat(t.path("startTime").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(t.path("durationMs").asDouble()).isEqualTo(120.0);
        assertThat(t.path("spanCount").asInt()).isEqualTo(4);
        assertThat(t.path("truncated").asBoolean()).isFalse();
        assertThat(t.path("functions").toString()).isEqualTo("[\"checkout-api\"]");
        assertThat(t.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000025");
        assertThat(t.path("costExact").asBoolean()).isTrue();

        JsonNode spans = t.path("spans");
        assertThat(spans.size()).isEqualTo(1);
        JsonNode r = spans.get(0);
        assertThat(r.path("spanId").asText()).isEqualTo(root.spanId);
        assertThat(r.path("name").asText()).isEqualTo("POST /checkout");
        assertThat(r.path("kind").asText()).isEqualTo("server");
        assertThat(r.path("attributes").path("http.route").asText()).isEqualTo("/checkout");
        assertThat(r.path("resourceAttributes").path("deployment.environment").asText()).isEqualTo("prod");
        List<String> children = new ArrayList<>();
        r.path("children").forEach(c -> children.add(c.path("name").asText()));
        assertThat(children).containsExactly("DynamoDB.PutItem", "orders send", "validate");
        assertThat(r.path("children").get(0).path("offsetMs").asDouble()).isEqualTo(10.0);
        assertThat(r.path("children").get(2).path("events").get(0).path("attributes").path("exception.type").asText())
                .isEqualTo("IllegalStateException");

        JsonNode inv = r.path("invocation");
        assertThat(inv.path("function").asText()).isEqualTo("checkout-api");
        assertThat(inv.path("invocationId").asText()).isEqualTo("inv-a1");
        assertThat(inv.path("coldStart").asBoolean()).isTrue();
        assertThat(inv.path("initDurationMs").asDouble()).isEqualTo(250.5);
        assertThat(inv.path("billedDurationMs").asLong()).isEqualTo(120);
        assertThat(inv.path("durationMs").asDouble()).isEqualTo(119.3);
        assertThat(inv.path("memoryMb").asInt()).isEqualTo(512);
        assertThat(inv.path("maxMemoryUsedMb").asInt()).isEqualTo(80);
        assertThat(inv.path("trigger").asText()).isEqualTo("http");
        assertThat(inv.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000025");
        assertThat(inv.path("costExact").asBoolean()).isTrue();
        assertThat(r.path("children").get(0).path("invocation").isNull()
                || r.path("children").get(0).path("invocation").isMissingNode()).isTrue();

        // Which spans of other traces link into this one: the batch consumer, with its name and function.
        JsonNode in = t.path("linksIn");
        assertThat(in.size()).isEqualTo(1);
        assertThat(in.get(0).path("traceId").asText()).isEqualTo(traceB);
        assertThat(in.get(0).path("spanId").asText()).isEqualTo(consumer.spanId);
        assertThat(in.get(0).path("toSpanId").asText()).isEqualTo(send.spanId);
        assertThat(in.get(0).path("name").asText()).isEqualTo("orders process");
        assertThat(in.get(0).path("function").asText()).isEqualTo("order-worker");
        JsonNode sendView = r.path("children").get(1);
        assertThat(sendView.path("linkedFrom").get(0).path("traceId").asText()).isEqualTo(traceB);
    }

    @Test
    void aLinkNamesTheSpanThatLinksFromItsOwnRowOrElseFromTheSpans() {
        String target = TestObjects.traceId();
        Span sent = span(target).name("jobs send").kind("producer").at(T0, 5 * MS).service("api").function("api-fn");
        Span named = span(TestObjects.traceId()).name("jobs process").kind("consumer").at(T0 + 10 * MS, 5 * MS)
                .service("jobs").function("jobs-fn").link(sent);
        Span legacy = span(TestObjects.traceId()).name("jobs audit").kind("consumer").at(T0 + 20 * MS, 5 * MS)
                .service("audit").function("audit-fn").link(sent);
        TestObjects.insertSpans(api.clickHouse, List.of(sent, named, legacy));
        String db = api.clickHouse.database();
        // The link row names its span (0127): the span itself is no longer needed.
        api.clickHouse.execute("ALTER TABLE " + db + ".spans DELETE WHERE span_id = unhex({s:String})"
                + " SETTINGS mutations_sync = 2", Map.of("s", named.spanId), io.fnscope.clickhouse.QueryOptions.NONE);
        // A link row written before 0128 names nothing: its span is read from spans.
        api.clickHouse.execute("ALTER TABLE " + db + ".span_links UPDATE name = '', service = '', function = '',"
                + " described = 0 WHERE span_id = unhex({s:String}) SETTINGS mutations_sync = 2",
                Map.of("s", legacy.spanId), io.fnscope.clickhouse.QueryOptions.NONE);

        JsonNode in = api.get("/api/v1/traces/" + target).json().path("linksIn");
        List<String> described = new ArrayList<>();
        in.forEach(l -> described.add(l.path("spanId").asText() + " " + l.path("name").asText() + " "
                + l.path("service").asText() + " " + l.path("function").asText()));
        assertThat(described).containsExactlyInAnyOrder(named.spanId + " jobs process jobs jobs-fn",
                legacy.spanId + " jobs audit audit audit-fn");
    }

    @Test
    void theLinkingTraceShowsWhereItsLinksPoint() {
        JsonNode t = api.get("/api/v1/traces/" + traceB).json();
        assertThat(t.path("linksOut").size()).isEqualTo(1);
        assertThat(t.path("linksOut").get(0).path("traceId").asText()).isEqualTo(traceA);
        assertThat(t.path("linksOut").get(0).path("spanId").asText()).isEqualTo(send.spanId);
        assertThat(t.path("spans").get(0).path("links").get(0).path("spanId").asText()).isEqualTo(send.spanId);
        assertThat(t.path("errorCount").asInt()).isEqualTo(1);
        // Only the span half arrived: the estimate, flagged.
        JsonNode inv = t.path("spans").get(0).path("invocation");
        assertThat(inv.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000004");
        assertThat(inv.path("costExact").asBoolean()).isFalse();
        assertThat(inv.path("costFlags").toString()).isEqualTo("[\"DURATION_FROM_SPAN\"]");
    }

    @Test
    void anotherTenantCannotReadTheTraceEvenWithItsId() {
        QueryApiHarness.Answer other = api.get("/api/v1/traces/" + traceA, TestObjects.GLOBEX_VIEWER);
        QueryApiHarness.Answer unknown = api.get("/api/v1/traces/" + TestObjects.traceId(), TestObjects.GLOBEX_VIEWER);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.error()).isEqualTo("trace " + traceA + " not found");
        assertThat(unknown.status()).isEqualTo(404);
        // The same answer as for an id nobody sent: nothing reveals that the trace exists.
        assertThat(api.get("/api/v1/transactions/" + traceA, TestObjects.GLOBEX_VIEWER).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/traces?" + RANGE + "&function=checkout-api", TestObjects.GLOBEX_VIEWER).json()
                .path("traces").size()).isZero();
    }

    @Test
    void traceIdsAreCheckedAndXrayIdsAccepted() {
        QueryApiHarness.Answer bad = api.get("/api/v1/traces/not-a-trace");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).isEqualTo("traceId must be 32 hex digits (an OpenTelemetry trace id) or an X-Ray"
                + " trace id like 1-5759e988-bd862e3fe1be46a994272793, got 'not-a-trace'");
        QueryApiHarness.Answer zero = api.get("/api/v1/traces/" + "0".repeat(32));
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.error()).isEqualTo("traceId is all zeros, which is not a valid trace id");
        String xray = "1-" + traceA.substring(0, 8) + "-" + traceA.substring(8);
        QueryApiHarness.Answer x = api.get("/api/v1/traces/" + xray);
        assertThat(x.status()).isEqualTo(200);
        assertThat(x.json().path("traceId").asText()).isEqualTo(traceA);
        assertThat(api.get("/api/v1/traces/" + traceA.toUpperCase()).status()).isEqualTo(200);
    }

    @Test
    void credentialsAreRequired() {
        QueryApiHarness.Answer none = api.get("/api/v1/traces/" + traceA, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.error()).isEqualTo("missing credentials: send 'Authorization: Bearer <key>'");
        assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        QueryApiHarness.Answer unknown = api.get("/api/v1/functions", "fns_unknown");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.error()).isEqualTo("unknown or revoked key");
        QueryApiHarness.Answer ingest = api.get("/api/v1/traces/" + traceA, TestObjects.ACME_INGEST);
        assertThat(ingest.status()).isEqualTo(403);
        assertThat(ingest.error()).isEqualTo("this key may not read the API; use a token of role viewer or admin");
        assertThat(api.get("/api/v1/traces/" + traceA, TestObjects.ACME_ADMIN).status()).isEqualTo(200);
    }

    @Test
    void searchSummarisesEachHit() {
        QueryApiHarness.Answer a = api.get("/api/v1/traces?" + RANGE + "&function=checkout-api");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode hits = a.json().path("traces");
        assertThat(hits.size()).isEqualTo(1);
        JsonNode h = hits.get(0);
        assertThat(h.path("traceId").asText()).isEqualTo(traceA);
        assertThat(h.path("root").path("name").asText()).isEqualTo("POST /checkout");
        assertThat(h.path("root").path("spanId").asText()).isEqualTo(root.spanId);
        assertThat(h.path("root").path("function").asText()).isEqualTo("checkout-api");
        assertThat(h.path("durationMs").asDouble()).isEqualTo(120.0);
        assertThat(h.path("spanCount").asInt()).isEqualTo(4);
        assertThat(h.path("errorCount").asInt()).isZero();
        assertThat(h.path("invocationCount").asInt()).isEqualTo(1);
        assertThat(h.path("costUsd").decimalValue()).isEqualByComparingTo("0.0000025");
        assertThat(h.path("functions").toString()).isEqualTo("[\"checkout-api\"]");
        assertThat(h.path("matchedAt").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(a.json().path("nextCursor").isNull()).isTrue();
    }

    @Test
    void searchFiltersMatchOneSpan() {
        assertThat(ids("service=worker")).containsExactly(traceB);
        assertThat(ids("name=" + enc("DynamoDB.PutItem"))).containsExactly(traceA);
        assertThat(ids("error=true")).containsExactly(traceB);
        assertThat(ids("error=true&function=checkout-api")).isEmpty();
        assertThat(ids("minDuration=50ms&maxDuration=50ms")).containsExactly(traceB);
        assertThat(ids("minDuration=100")).containsExactly(traceA);
        assertThat(ids("minDuration=0.1s&function=order-worker")).isEmpty();
        assertThat(ids("attr.messaging.message.id=m-1")).containsExactly(traceA);
        assertThat(ids("resource.deployment.environment=prod")).containsExactly(traceA);
        assertThat(ids("attr.deployment.environment=prod")).isEmpty(); // attr. is the span's own attributes
        assertThat(ids("resource.deployment.environment=prod&attr.http.route=" + enc("/checkout"))).containsExactly(traceA);
        assertThat(ids("attr.db.system=dynamodb&attr.aws.dynamodb.table_names=orders")).containsExactly(traceA);
        // Both attributes must be on one span.
        assertThat(ids("attr.db.system=dynamodb&attr.messaging.message.id=m-1")).isEmpty();
        assertThat(ids("attr.http.route=" + enc("/checkout") + "&function=checkout-api&error=false"))
                .containsExactly(traceA);
    }

    @Test
    void searchPagesWithACursorUntilTheEnd() {
        List<Span> spans = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String t = TestObjects.traceId();
            spans.add(span(t).name("tick").kind("server").at(T0 + i * 1000 * MS, MS).service("pager")
                    .attr("page.test", "yes"));
            expected.addFirst(t); // newest first
        }
        TestObjects.insertSpans(api.clickHouse, spans);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            QueryApiHarness.Answer a = api.get("/api/v1/traces?" + RANGE + "&service=pager&limit=10"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            a.json().path("traces").forEach(h -> seen.add(h.path("traceId").asText()));
            cursor = a.json().path("nextCursor").isNull() ? null : a.json().path("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(expected);

        // A cursor continues its own search only.
        String first = api.get("/api/v1/traces?" + RANGE + "&service=pager&limit=10").json().path("nextCursor").asText();
        QueryApiHarness.Answer other = api.get("/api/v1/traces?service=checkout&limit=10&cursor=" + first);
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.error()).isEqualTo("parameter 'cursor' belongs to a search with other filters; repeat this"
                + " search without a cursor");
        // Without from/to the cursor keeps its own range; the page is the second one.
        QueryApiHarness.Answer second = api.get("/api/v1/traces?service=pager&limit=10&cursor=" + first);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("traces").get(0).path("traceId").asText()).isEqualTo(expected.get(10));
        QueryApiHarness.Answer moved = api.get("/api/v1/traces?service=pager&limit=10&from=0&cursor=" + first);
        assertThat(moved.status()).isEqualTo(400);
        assertThat(moved.error()).startsWith("parameter 'from' differs from the cursor's range (");
        QueryApiHarness.Answer garbage = api.get("/api/v1/traces?service=pager&cursor=abc");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.error()).isEqualTo("parameter 'cursor' is not a cursor this API returned; repeat the search"
                + " without it and use the nextCursor of its answer");
    }

    @Test
    void badSearchesAreRefusedNamingTheParameter() {
        assertBad("limit=1001", "parameter 'limit' is 1001, more than fnscope.query.max-limit (1000); ask for at most 1000");
        assertBad("limit=0", "parameter 'limit' must be at least 1, got 0");
        assertBad("limit=ten", "parameter 'limit' must be a whole number, got 'ten'");
        assertBad("from=2026-11-20T11:00:00Z&to=2026-11-20T10:00:00Z",
                "from (2026-11-20T11:00:00Z) is after to (2026-11-20T10:00:00Z); swap them");
        assertBad("from=2026-11-18T00:00:00Z&to=2026-11-20T00:00:00Z", "the time range from 2026-11-18T00:00:00Z to"
                + " 2026-11-20T00:00:00Z is 2d, longer than fnscope.query.max-search-range (1d); ask for a shorter range");
        assertBad("from=yesterday", "parameter 'from' must be UTC epoch milliseconds (1763892000000) or an ISO-8601"
                + " instant (2026-11-23T10:00:00Z), got 'yesterday'");
        assertBad("servce=checkout", "unknown parameter 'servce'; this endpoint takes [attr.<key>, cursor, error,"
                + " from, function, limit, maxDuration, minDuration, name, resource.<key>, service, to]");
        assertBad("resource.=x", "parameter 'resource.' has no key; write resource.<key>=<value>, e.g."
                + " resource.deployment.environment=prod");
        assertBad("minDuration=fast", "parameter 'minDuration' must be a duration such as 250ms, 1.5s, 5m, 1h or"
                + " PT5M, got 'fast'");
        assertBad("minDuration=2s&maxDuration=1s", "minDuration (2000.0 ms) is more than maxDuration (1000.0 ms)");
        assertBad("error=maybe", "parameter 'error' must be true or false, got 'maybe'");
        assertBad("attr.http.route=", "parameter 'attr.http.route' has no value; write attr.http.route=<value>");
        assertBad("service=a&service=b", "parameter 'service' is given 2 times; give it once");
    }

    @Test
    void theDefaultRangeIsTheLastHour() {
        QueryApiHarness.Answer a = api.get("/api/v1/traces");
        assertThat(a.status()).isEqualTo(200);
        java.time.Instant from = java.time.Instant.parse(a.json().path("from").asText());
        java.time.Instant to = java.time.Instant.parse(a.json().path("to").asText());
        assertThat(java.time.Duration.between(from, to)).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(a.json().path("limit").asInt()).isEqualTo(20);
    }

    private static void assertBad(String query, String message) {
        QueryApiHarness.Answer a = api.get("/api/v1/traces?" + query);
        assertThat(a.status()).as(query + " → " + a.body()).isEqualTo(400);
        assertThat(a.error()).isEqualTo(message);
    }

    private static List<String> ids(String query) {
        QueryApiHarness.Answer a = api.get("/api/v1/traces?" + RANGE + "&" + query);
        assertThat(a.status()).as(query + " → " + a.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        a.json().path("traces").forEach(h -> {
            String id = h.path("traceId").asText();
            if (!unique.add(id)) {
                throw new AssertionError("trace " + id + " twice in one page");
            }
            if (id.equals(traceA) || id.equals(traceB)) {
                ids.add(id);
            }
        });
        return ids;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unused")
    private static BigDecimal dec(String s) {
        return new BigDecimal(s);
    }
}
