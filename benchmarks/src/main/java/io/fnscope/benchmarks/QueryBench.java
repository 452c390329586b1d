package io.fnscope.benchmarks;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.clickhouse.QueryOptions;
import io.fnscope.clickhouse.SqlFile;
import io.fnscope.clickhouse.TelemetrySchema;
import io.fnscope.query.TransactionLabeller;
import io.fnscope.query.alerts.Evaluator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * {@code bin/bench query}: the query API's latency on generated data, measured <b>through the HTTP API</b> (JSON
 * answers included) with one client thread, the API and the embedded ClickHouse in this JVM as in the all-in-one.
 *
 * <p>Data ({@code generate_spans.sql}, {@code generate_invocations.sql}): {@code spans} spans (default 10 million,
 * 10 per trace, one day), invocation rows for every trace (80% with a platform report) and, through the schema's
 * materialized views, the trace index, link and message indexes and the per-minute roll-ups (the service-map edges,
 * which the writer inserts itself, by the query of the view that derived them before: 0114). It is generated once
 * into {@code benchmarks/target/query-bench} and reused while its size matches ({@code regenerate=true} forces it).
 *
 * <p>Measured, each with {@code warmup} unmeasured then {@code requests} measured requests, different ids or values
 * each time: trace by id; search by attribute ({@code attr.user.id}, a user that has a trace in that hour) in a
 * 1-hour window; {@code /functions} over 24 h; the transaction of a 10-trace chain (10 traces linked one after
 * another through span links). Prints p50/p90/p99/max and the load average around each.
 *
 * <p>Keys (key=value): spans, requests (200), warmup (50), regenerate (false).
 */
public final class QueryBench {
    static final Instant BASE = Instant.parse("2026-11-20T00:00:00Z");
    static final long TRACE_SPACING_US = 86_400;
    /** Part of the data's stamp: a change to what generate() makes beyond the SQL files (labels) regenerates it. */
    static final String GENERATOR = "labels-3";

    private QueryBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("spans", "10000000", "requests", "200", "warmup", "50",
                "regenerate", "false"));
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0 || !o.containsKey(a.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument " + a + "; keys: " + o.keySet());
            }
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        long spans = Long.parseLong(o.get("spans"));
        int requests = Integer.parseInt(o.get("requests"));
        int warmup = Integer.parseInt(o.get("warmup"));
        Path data = Path.of("benchmarks/target/query-bench").toAbsolutePath();
        Files.createDirectories(data);
        int port = freePort();
        Map<String, Object> p = new HashMap<>();
        p.put("fnscope.data-dir", data.toString());
        p.put("fnscope.listen-host", "127.0.0.1");
        p.put("micronaut.server.port", port);
        p.put("fnscope.query.http-port", port);
        p.put("fnscope.collector.http-port", freePort());
        p.put("fnscope.collector.enabled", false);
        p.put("fnscope.writer.enabled", false);
        p.put("fnscope.kafka.embedded.enabled", false);
        p.put("fnscope.alerts.enabled", false); // rounds are run by the measure, not on a timer
        // The generated day is a fixed date (BASE): retention must not expire it as the calendar moves on.
        for (String signal : List.of("spans", "invocations", "rollups", "alerts")) {
            p.put("fnscope.retention." + signal + "-days", 3650);
        }
        p.put("fnscope.clickhouse.database", "bench");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p)) {
            ClickHouse ch = server.getApplicationContext().getBean(ClickHouse.class);
            generate(ch, spans, Boolean.parseBoolean(o.get("regenerate")), data);
            long traces = spans / 10;
            System.out.println(String.format(Locale.ROOT, "data: %,d spans, %,d invocation rows, %,d function_minute"
                            + " rows (tenant 'default', %s + 24 h); measured through the HTTP API, 1 client thread",
                    count(ch, "spans"), count(ch, "invocations"), count(ch, "function_minute"), BASE));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String api = "http://127.0.0.1:" + port + "/api/v1";
            Random random = new Random(42);

            List<String> ids = sampleTraces(ch, 2000);
            run(http, "trace by id", warmup, requests, i -> api + "/traces/" + ids.get(random.nextInt(ids.size())));

            List<String[]> users = sampleUsers(ch, 500);
            run(http, "search attr.user.id, 1 h window", warmup, requests, i -> {
                String[] u = users.get(random.nextInt(users.size()));
                long hourStart = Long.parseLong(u[1]);
                return api + "/traces?attr.user.id=" + u[0] + "&from=" + hourStart + "&to=" + (hourStart + 3_600_000)
                        + "&limit=20";
            });

            long dayFrom = BASE.toEpochMilli();
            run(http, "/functions over 24 h", warmup, requests,
                    i -> api + "/functions?from=" + dayFrom + "&to=" + (dayFrom + 86_400_000));

            long chains = traces / 1000;
            run(http, "10-trace transaction", warmup, requests, i -> {
                long t = (random.nextLong(Math.max(1, chains - 1))) * 1000 + random.nextInt(10);
                return api + "/transactions/" + traceId(ch, t);
            });
            checkTransaction(http, api + "/transactions/" + traceId(ch, 5000));

            for (String table : List.of("alert_config", "alert_claims", "alert_events", "alert_deliveries")) {
                ch.execute("TRUNCATE TABLE IF EXISTS " + ch.database() + "." + table); // an earlier run's
            }
            alertRounds(server.getApplicationContext().getBean(Evaluator.class), http, api, warmup / 10,
                    Math.max(5, requests / 10));
        }
    }

    /**
     * One round of alert evaluation (what the evaluator does every minute): 20 budgets (tenant, service and function
     * scopes; day, week and month) and 20 rules (error rate, SLO burn, cold starts, p95, runaway cost; tenant,
     * service and function scopes), configured through the API without channels, evaluated in the middle of the
     * generated day. Recursive-loop rules are left out: their cost is a transaction read per sampled trace, measured
     * above.
     */
    static void alertRounds(Evaluator evaluator, HttpClient http, String api, int warmup, int rounds) throws Exception {
        String[] periods = {"day", "week", "month"};
        String[] types = {"error-rate", "error-budget-burn", "cold-start-rate", "p95-duration", "runaway-cost"};
        for (int i = 0; i < 20; i++) {
            String scope = scope(i);
            post(http, api + "/budgets", "{\"name\": \"bench " + i + "\", \"amountUsd\": " + (1 + i) + ", \"period\": \""
                    + periods[i % 3] + "\", \"scope\": " + scope + "}");
            post(http, api + "/rules", "{\"type\": \"" + types[i % types.length] + "\", \"threshold\": "
                    + (types[i % types.length].equals("p95-duration") ? "500" : "0.2") + ", \"scope\": " + scope + "}");
        }
        Instant at = BASE.plus(Duration.ofHours(12));
        Histogram h = new Histogram(60_000_000_000L, 3);
        String before = loadAverage();
        for (int i = 0; i < warmup + rounds; i++) {
            long start = System.nanoTime();
            Evaluator.Round r = evaluator.evaluate(at.plusSeconds(60L * i));
            long took = System.nanoTime() - start;
            if (r.failures() > 0) {
                System.out.println("  alerts round: " + r.failures() + " of 40 not evaluated (see the log)");
            }
            if (i >= warmup) {
                h.recordValue(took);
            }
        }
        System.out.println(String.format(Locale.ROOT, "%-34s p50 %7.1f ms  p90 %7.1f ms  p99 %7.1f ms  max %7.1f ms"
                        + "  (%d rounds of 20 budgets + 20 rules)  load %s -> %s", "alerts round",
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6, rounds, before, loadAverage()));
    }

    private static String scope(int i) {
        return switch (i % 3) {
            case 0 -> "{\"type\": \"tenant\"}";
            case 1 -> "{\"type\": \"service\", \"value\": \"svc-" + (i % 20) + "\"}";
            default -> "{\"type\": \"function\", \"value\": \"fn-" + String.format(Locale.ROOT, "%02d", i % 50) + "\"}";
        };
    }

    private static void post(HttpClient http, String url, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
        }
    }

    static void generate(ClickHouse ch, long spans, boolean regenerate, Path data) throws IOException {
        long have = count(ch, "spans");
        // Data generated under another schema lacks what newer migrations derive (trace_index columns filled by a
        // view, say): it is generated again, so a measure never runs on data the current writer would not produce.
        Path stamp = data.resolve("generated-with-schema");
        String schema = GENERATOR + ";" + String.join(",", ch.query("SELECT concat(toString(version), ':', checksum) AS v FROM "
                + ch.database() + ".schema_migrations FINAL ORDER BY version", r -> r.getString("v")));
        boolean sameSchema = Files.exists(stamp) && Files.readString(stamp).equals(schema);
        if (have == spans && sameSchema && !regenerate) {
            System.out.println(String.format(Locale.ROOT, "data: reusing the %,d generated spans", have));
            return;
        }
        if (have == spans && !regenerate) {
            System.out.println("data: generated under another schema (" + stamp + "): generating again");
        }
        Files.deleteIfExists(stamp);
        for (String table : List.of("spans", "trace_index", "span_links", "messages", "invocations", "function_minute",
                "function_hour", "edges_minute", "transaction_edges", "function_tags")) {
            ch.execute("TRUNCATE TABLE IF EXISTS " + ch.database() + "." + table);
        }
        Map<String, String> vars = Map.of("database", ch.database());
        long started = System.nanoTime();
        ch.execute(SqlFile.render("io/fnscope/benchmarks/query/generate_spans.sql", vars),
                Map.of("base", BASE, "spans", spans), QueryOptions.NONE);
        // The service-map edges the writer inserts beside its spans (edge_calls): here by the query of the view on
        // spans that derived them before (0114), whose edges ITSpanViews shows to be those of ServiceEdges.
        String edges = SqlFile.render(TelemetrySchema.LOCATION + "/0114_edges_minute_mv.sql", vars);
        ch.execute("INSERT INTO " + ch.database() + ".edges_minute " + edges.substring(edges.indexOf("SELECT")));
        long spansDone = System.nanoTime();
        ch.execute(SqlFile.render("io/fnscope/benchmarks/query/generate_invocations.sql", vars), Map.of(),
                QueryOptions.NONE);
        long labelStarted = System.nanoTime();
        int labelled = label(ch);
        System.out.println(String.format(Locale.ROOT, "data: %,d nodes given transaction labels in %.1f s", labelled,
                (System.nanoTime() - labelStarted) / 1e9));
        // One part per table: the state background merges bring a finished day of this size to (the data set of
        // earlier runs reached it by itself), measured, not merges in progress. A day still being written has more
        // parts, and every lookup pays for each (query-api/RATIONALE.md#measurements).
        long waitStarted = System.nanoTime();
        for (String table : List.of("spans", "trace_index", "span_links", "messages", "invocations", "transaction_edges",
                "function_minute", "function_hour", "edges_minute", "function_tags")) {
            ch.execute("OPTIMIZE TABLE " + ch.database() + "." + table + " FINAL");
        }
        while (ch.query("SELECT count() AS n FROM system.merges WHERE database = {db:String}",
                Map.of("db", ch.database()), r -> r.getLong("n")).getFirst() > 0
                && System.nanoTime() - waitStarted < 600_000_000_000L) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        System.out.println(String.format(Locale.ROOT, "data: merged in %.0f s",
                (System.nanoTime() - waitStarted) / 1e9));
        Files.writeString(stamp, schema);
        System.out.println(String.format(Locale.ROOT, "data: generated %,d spans in %.1f s (with the materialized"
                        + " views), invocations in %.1f s", count(ch, "spans"), (spansDone - started) / 1e9,
                (System.nanoTime() - spansDone) / 1e9));
    }

    /**
     * What the writer's process does after each flush ({@link TransactionLabeller}): the edges of what it stored
     * (trace -> linked trace, trace -> message), here read back from transaction_edges an hour of the day at a time, in
     * time order.
     */
    static int label(ClickHouse ch) {
        TransactionLabeller labeller = new TransactionLabeller(ch, 1000, 200_000, new SimpleMeterRegistry());
        int labelled = 0;
        for (int hour = 0; hour < 24; hour++) {
            List<ConnectedTracesListener.Edge> edges = ch.query("SELECT node, peer, toUnixTimestamp64Nano(start_time)"
                            + " AS t FROM " + ch.database() + ".transaction_edges WHERE tenant = 'default'"
                            + " AND NOT startsWith(node, 'm:') AND start_time >= {from:DateTime64(9)}"
                            + " AND start_time < {to:DateTime64(9)} ORDER BY start_time",
                    Map.of("from", BASE.plus(Duration.ofHours(hour)), "to", BASE.plus(Duration.ofHours(hour + 1))),
                    r -> new ConnectedTracesListener.Edge(r.getString("node"), r.getString("peer"), r.getLong("t")));
            labelled += labeller.label("default", edges);
        }
        labeller.close();
        return labelled;
    }

    /** Trace t's id, as generate_spans.sql makes it. */
    static String traceId(ClickHouse ch, long t) {
        return ch.query("SELECT lower(concat(lpad(hex(cityHash64({t:UInt64}, 1)), 16, '0'),"
                + " lpad(hex(cityHash64({t:UInt64}, 2)), 16, '0'))) AS id", Map.of("t", t), r -> r.getString("id")).getFirst();
    }

    static List<String> sampleTraces(ClickHouse ch, int n) {
        return ch.query("SELECT lower(hex(trace_id)) AS id FROM " + ch.database() + ".trace_index"
                + " WHERE tenant = 'default' ORDER BY cityHash64(trace_id) LIMIT {n:UInt32}", Map.of("n", n),
                r -> r.getString("id"));
    }

    /** Users with a trace in an hour: [user id, hour start epoch ms]. */
    static List<String[]> sampleUsers(ClickHouse ch, int n) {
        return ch.query("SELECT attributes['user.id'] AS u, toUnixTimestamp(toStartOfHour(start_time)) * 1000 AS h"
                        + " FROM " + ch.database() + ".spans WHERE tenant = 'default' AND kind = 'server'"
                        + " AND cityHash64(trace_id) % 1000 = 7 LIMIT {n:UInt32}",
                Map.of("n", n), r -> new String[]{r.getString("u"), Long.toString(r.getLong("h"))});
    }

    static void checkTransaction(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        int traces = r.body().split("\"depth\":").length - 1;
        System.out.println("check: a chain's transaction has " + traces + " traces (status " + r.statusCode() + ")");
    }

    static void run(HttpClient http, String name, int warmup, int requests, IntFunction<String> url) throws Exception {
        String before = loadAverage();
        Histogram h = new Histogram(60_000_000_000L, 3);
        long bytes = 0;
        int errors = 0;
        for (int i = 0; i < warmup + requests; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url.apply(i))).timeout(Duration.ofSeconds(60)).build();
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - start;
            if (r.statusCode() != 200) {
                errors++;
                if (errors == 1) {
                    System.out.println("  " + name + ": " + r.statusCode() + " " + r.body());
                }
            }
            if (i >= warmup) {
                h.recordValue(took);
                bytes += r.body().length();
            }
        }
        System.out.println(String.format(Locale.ROOT, "%-34s p50 %7.1f ms  p90 %7.1f ms  p99 %7.1f ms  max %7.1f ms"
                        + "  (%d requests, %d not 200, avg %,d B)  load %s -> %s", name,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6, requests, errors, bytes / Math.max(1, requests), before, loadAverage()));
    }

    static long count(ClickHouse ch, String table) {
        return ch.query("SELECT count() AS n FROM " + ch.database() + "." + table, r -> r.getLong("n")).getFirst();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
