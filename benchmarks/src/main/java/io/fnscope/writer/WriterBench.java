package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.Migrations;
import io.fnscope.clickhouse.RetentionSettings;
import io.fnscope.clickhouse.TelemetrySchema;
import io.fnscope.clickhouse.embedded.EmbeddedClickHouse;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.cost.PricingCatalog;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.fnscope.pipeline.kafka.EmbeddedKafkaBroker;
import io.fnscope.pipeline.kafka.KafkaCluster;
import io.fnscope.pipeline.kafka.KafkaSettings;
import io.fnscope.query.QuerySchema;
import io.fnscope.query.TransactionLabeller;
import io.fnscope.tenancy.KeyHash;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/bench writer}: the writer's throughput, end-to-end freshness and bytes per span on disk, with the
 * realistic Lambda span mix of {@link LambdaTraceMix}. Two modes, each in its own JVM (one embedded ClickHouse per
 * process):
 *
 * <pre>
 * throughput [spans=2000000] [traces-per-record=10] [key=value...]
 *     preloads fnscope.traces of an embedded broker, then times the writer draining it into the embedded engine
 *     (decode, invocations and cost, inserts into spans and every view on it, the query API's included, commits);
 *     then OPTIMIZE FINAL and bytes per span (compressed, over spans, trace_index, span_links, messages and the
 *     query API's transaction_edges) with the biggest columns. partitions=1 (the topic's, as the all-in-one's).
 * freshness [rate=10000] [seconds=30] [warmup=10] [traces-per-record=10]
 *     the all-in-one (collector + writer, embedded Kafka and ClickHouse) in this JVM; OTLP/HTTP requests at
 *     {@code rate} spans/s; for every record, the time from the collector accepting it to its rows being
 *     queryable (insert done), as the writer measures it, p50/p90/p99/max.
 * </pre>
 *
 * Writer settings can be given as {@code fnscope.writer.*} keys ({@code flush-interval=1s insert-parallelism=4...}).
 */
public final class WriterBench {
    private WriterBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: WriterBench throughput|freshness|encode [key=value ...]");
            System.exit(2);
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got " + args[i]);
            }
            opts.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        switch (args[0]) {
            case "throughput" -> throughput(opts);
            case "freshness" -> freshness(opts);
            case "encode" -> EncodeBench.run(opts);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    static WriterSettings settings(Map<String, String> o) {
        WriterSettings d = WriterSettings.defaults();
        return new WriterSettings(true, "bench-" + UUID.randomUUID(),
                duration(o.get("flush-interval"), d.flushInterval()),
                Integer.parseInt(o.getOrDefault("max-batch-rows", "" + d.maxBatchRows())),
                Long.parseLong(o.getOrDefault("max-batch-bytes", "" + d.maxBatchBytes())),
                Integer.parseInt(o.getOrDefault("max-poll-records", "" + d.maxPollRecords())),
                d.pollTimeout(),
                Integer.parseInt(o.getOrDefault("insert-parallelism", "" + d.insertParallelism())),
                d.retryInitialBackoff(), d.retryMaxBackoff(), d.shutdownTimeout(), Map.of());
    }

    private static Duration duration(String s, Duration fallback) {
        if (s == null) {
            return fallback;
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
        }
        return Duration.parse(s);
    }

    // ---- throughput and bytes per span ---------------------------------------------------------------------

    static void throughput(Map<String, String> o) throws Exception {
        long target = Long.parseLong(o.getOrDefault("spans", "2000000"));
        int perRecord = Integer.parseInt(o.getOrDefault("traces-per-record", "10"));
        // One, as the all-in-one creates and as each of 4 distributed writers on 4 partitions has.
        int partitions = Integer.parseInt(o.getOrDefault("partitions", "1"));
        Path dir = Files.createTempDirectory("fnscope-writer-bench");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), "127.0.0.1", 0, 0, Map.of()).start();
        KafkaCluster cluster = new KafkaCluster(new KafkaSettings(broker.bootstrapServers(), "fnscope.", partitions, (short) 1,
                24, 168, true, Map.of(), new KafkaSettings.Embedded(false, null, "127.0.0.1", 0, 0, Map.of(), 0)), dir.toString());
        try (Admin admin = cluster.newAdmin()) {
            cluster.ensureTopics(admin, Duration.ofSeconds(30));
        }
        EmbeddedClickHouse ch = EmbeddedClickHouse.open(dir.resolve("clickhouse"), EmbeddedClickHouse.defaultLibrary(),
                4, ClickHouseDefaults.of("fnscope"));
        // Both schemas, as every fnscope process applies them: the query API's views on spans (transaction_edges,
        // function_tags) are fed by the writer's inserts too.
        new Migrations(ch, List.of(TelemetrySchema.migrations(RetentionSettings.defaults(), 10000),
                QuerySchema.migrations(RetentionSettings.defaults(), 10000))).apply();

        // Preload (not timed).
        LambdaTraceMix mix = new LambdaTraceMix(42);
        long now = System.currentTimeMillis() * 1_000_000L;
        long records = 0;
        long bytes = 0;
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long preloadStart = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            while (mix.spans < target) {
                long before = mix.spans;
                byte[] value = mix.record(perRecord, now - 600_000_000_000L + mix.spans * 3_000L);
                int items = (int) (mix.spans - before);
                TelemetryHeaders h = new TelemetryHeaders("bench", Signal.TRACES, TelemetryHeaders.PROTOBUF,
                        UUID.randomUUID(), System.currentTimeMillis(), items);
                producer.send(new ProducerRecord<>(cluster.topics().of(Signal.TRACES), null, (byte[]) null, value, h.toKafka()));
                records++;
                bytes += value.length;
            }
            producer.flush();
        }
        long spans = mix.spans;
        System.out.printf(Locale.ROOT, "preloaded %,d spans in %,d records (%.1f spans/record, %,d bytes of OTLP, %.0f bytes/span) in %.1f s%n",
                spans, records, (double) spans / records, bytes, (double) bytes / spans, (System.nanoTime() - preloadStart) / 1e9);

        WriterSettings settings = settings(o);
        System.out.printf(Locale.ROOT, "writer: flush-interval=%s max-batch-rows=%d max-batch-bytes=%d max-poll-records=%d insert-parallelism=%d%n",
                settings.flushInterval(), settings.maxBatchRows(), settings.maxBatchBytes(), settings.maxPollRecords(),
                settings.insertParallelism());
        // exploration: statements before the drain, '|' between them (sql='ALTER TABLE fnscope.spans MODIFY SETTING ...')
        if (o.containsKey("sql")) {
            for (String statement : o.get("sql").split("\\|")) {
                ch.execute(statement);
                System.out.println("sql: " + statement);
            }
        }
        if (Boolean.parseBoolean(o.getOrDefault("stop-merges", "false"))) {
            ch.execute("SYSTEM STOP MERGES");
            System.out.println("merges stopped (exploration only)");
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WriterMetrics metrics = new WriterMetrics(registry);
        Writer writer = WriterFactory.build(cluster, ch, new InvocationPricer(PricingCatalog.load(null)),
                WriterFactory.fitted(settings, Runtime.getRuntime().maxMemory()), metrics,
                Clock.systemUTC());
        // As in every process that writes: the query API's transaction labels follow each flush, on their thread
        // (labels=false leaves them out).
        boolean labels = Boolean.parseBoolean(o.getOrDefault("labels", "true"));
        TransactionLabeller labeller = new TransactionLabeller(ch, 1000, 200_000, registry);
        if (labels) {
            writer.connectedTraces(labeller);
        }
        writer.subscribe();
        String load = loadAverage();
        CpuMeter cpu = new CpuMeter();
        var threads = ManagementFactory.getThreadMXBean();
        long loopCpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        double written = 0;
        while (written < spans) {
            writer.pollOnce();
            var c = registry.find("fnscope.writer.rows").tag("table", "spans").counter();
            written = c == null ? 0 : c.count();
            if (System.nanoTime() - start > Duration.ofMinutes(20).toNanos()) {
                throw new IllegalStateException("not drained after 20 minutes: " + written + " of " + spans);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double loopCpu = (threads.getCurrentThreadCpuTime() - loopCpuStart) / 1e9;
        String cpuUse = cpu.report(seconds) + String.format(Locale.ROOT,
                " (writer loop thread: %.1f s CPU = %.1f us/span for poll, decode, encode, commits)", loopCpu, loopCpu * 1e6 / spans);
        String loadAfter = loadAverage();
        writer.stop();
        writer.close();
        labeller.close(); // waits for what it has queued
        var labelTime = registry.get("fnscope.transaction.labels.duration").timer();
        System.out.printf(Locale.ROOT, "transaction labels: %,.0f nodes labelled in %d calls, mean %.0f ms, max %.0f ms;"
                        + " %,.0f edges dropped (labeller behind)%n",
                registry.get("fnscope.transaction.labels.nodes").counter().count(), labelTime.count(),
                labelTime.mean(TimeUnit.MILLISECONDS), labelTime.max(TimeUnit.MILLISECONDS),
                registry.get("fnscope.transaction.labels.dropped").counter().count());
        // The merges an insert causes are part of what it costs: the CPU from the drain's start until no merge runs
        // (a merge policy that merges less shows here, not in the drain time alone).
        long settleStart = System.nanoTime();
        while (ch.query("SELECT count() AS n FROM system.merges", r -> r.getLong("n")).getFirst() > 0
                && System.nanoTime() - settleStart < Duration.ofMinutes(5).toNanos()) {
            Thread.sleep(100);
        }
        double settleCpu = cpu.seconds();
        System.out.printf(Locale.ROOT, "CPU until merges settle: %.1f core-seconds = %.1f us/span (merges ran %.1f s"
                + " after the drain)%n", settleCpu, settleCpu * 1e6 / spans, (System.nanoTime() - settleStart) / 1e9);
        long stored = ch.query("SELECT count() AS n FROM fnscope.spans", r -> r.getLong("n")).getFirst();
        var insert = registry.get("fnscope.writer.insert.duration").tag("table", "spans").timer();
        var batch = registry.get("fnscope.writer.insert.rows").tag("table", "spans").summary();
        System.out.printf(Locale.ROOT, "THROUGHPUT %,.0f spans/s (%,d spans in %.2f s; %,d in ClickHouse); %s; load average before %s, after %s%n",
                spans / seconds, spans, seconds, stored, cpuUse, load, loadAfter);
        System.out.printf(Locale.ROOT, "  spans inserts: %d, mean %.0f ms, max %.0f ms, mean %.0f rows/insert; invocations rows %,.0f%n",
                insert.count(), insert.mean(TimeUnit.MILLISECONDS), insert.max(TimeUnit.MILLISECONDS), batch.mean(),
                registry.get("fnscope.writer.rows").tag("table", "invocations").counter().count());

        if (Boolean.parseBoolean(o.getOrDefault("stop-merges", "false"))) {
            ch.execute("SYSTEM START MERGES");
        }
        bytesPerSpan(ch, stored);
        ch.close();
        cluster.close();
        broker.close();
        if (Boolean.parseBoolean(o.getOrDefault("keep", "false"))) {
            System.out.println("kept: " + dir + " (embedded ClickHouse in clickhouse/, database fnscope)");
        } else {
            deleteTree(dir);
        }
    }

    /** Every table a span's insert writes to that grows with the spans: the writer's and the query API's. */
    static final List<String> SPAN_FED_TABLES = java.util.stream.Stream.concat(TelemetrySchema.SPAN_TABLES.stream(),
            java.util.stream.Stream.of("transaction_edges")).toList();

    static void bytesPerSpan(ClickHouse ch, long spans) {
        List<String> parts = new ArrayList<>();
        long unmerged = totalBytes(ch, parts);
        for (String t : SPAN_FED_TABLES) {
            ch.execute("OPTIMIZE TABLE fnscope." + t + " FINAL");
        }
        parts.clear();
        long merged = totalBytes(ch, parts);
        System.out.printf(Locale.ROOT, "BYTES PER SPAN %.1f (compressed columns of %s after OPTIMIZE FINAL, %,d bytes for %,d spans; "
                + "before merging %.1f)%n", (double) merged / spans, SPAN_FED_TABLES, merged, spans,
                (double) unmerged / spans);
        parts.forEach(s -> System.out.println("  " + s));
        ch.execute("OPTIMIZE TABLE fnscope.invocations FINAL");
        ch.query("SELECT sum(data_compressed_bytes) AS c, sum(rows) AS r FROM system.parts WHERE database = 'fnscope' "
                        + "AND table = 'invocations' AND active", r -> String.format(Locale.ROOT,
                        "  besides, invocations: %,d bytes compressed, %,d rows (%.1f bytes per span, %.1f per row)",
                        r.getLong("c"), r.getLong("r"), (double) r.getLong("c") / spans,
                        (double) r.getLong("c") / Math.max(1, r.getLong("r"))))
                .forEach(System.out::println);
        System.out.println("  columns of 0.5 bytes per span or more, compressed bytes per span:");
        ch.query("SELECT table, name, data_compressed_bytes AS c, data_uncompressed_bytes AS u FROM system.columns "
                        + "WHERE database = 'fnscope' AND table IN {tables:Array(String)} "
                        + "AND data_compressed_bytes >= {min:UInt64} ORDER BY c DESC",
                Map.of("tables", java.util.stream.Stream.concat(SPAN_FED_TABLES.stream(), java.util.stream.Stream.of(
                        "invocations")).toList(), "min", spans / 2),
                r -> String.format(Locale.ROOT, "    %-38s %6.2f  (uncompressed %.1f)",
                        r.getString("table") + "." + r.getString("name"),
                        (double) r.getLong("c") / spans, (double) r.getLong("u") / spans))
                .forEach(System.out::println);
    }

    private static long totalBytes(ClickHouse ch, List<String> lines) {
        long total = 0;
        for (String t : SPAN_FED_TABLES) {
            var row = ch.query("SELECT sum(data_compressed_bytes) AS c, sum(data_uncompressed_bytes) AS u, sum(rows) AS r, "
                            + "count() AS parts, sum(secondary_indices_compressed_bytes) AS idx, sum(primary_key_bytes_in_memory) AS pk "
                            + "FROM system.parts WHERE database = 'fnscope' AND table = {t:String} AND active",
                    Map.of("t", t), r -> new long[] {r.getLong("c"), r.getLong("u"), r.getLong("r"), r.getLong("parts"),
                            r.getLong("idx"), r.getLong("pk")}).getFirst();
            total += row[0];
            lines.add(String.format(Locale.ROOT, "%-12s %,14d bytes compressed (%,d uncompressed), %,d rows, %d parts, "
                    + "skip indexes %,d bytes", t, row[0], row[1], row[2], row[3], row[4]));
        }
        return total;
    }

    // ---- freshness -------------------------------------------------------------------------------------------

    static void freshness(Map<String, String> o) throws Exception {
        int rate = Integer.parseInt(o.getOrDefault("rate", "10000"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "30"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "10"));
        int perRecord = Integer.parseInt(o.getOrDefault("traces-per-record", "10"));
        Path dir = Files.createTempDirectory("fnscope-writer-fresh");
        String key = "fns_benchmarkWriterKey0000000000000000";
        int http = freePort();
        Map<String, Object> p = new HashMap<>();
        p.put("fnscope.data-dir", dir.toString());
        p.put("fnscope.listen-host", "127.0.0.1");
        p.put("micronaut.server.port", http);
        p.put("fnscope.collector.http-port", http);
        p.put("fnscope.collector.grpc-port", freePort());
        p.put("fnscope.query.enabled", false);
        p.put("fnscope.query.http-port", freePort());
        p.put("fnscope.kafka.embedded.enabled", true);
        p.put("fnscope.kafka.embedded.port", freePort());
        p.put("fnscope.kafka.embedded.controller-port", freePort());
        p.put("fnscope.auth.keys[0].tenant", "bench");
        p.put("fnscope.auth.keys[0].role", "ingest");
        p.put("fnscope.auth.keys[0].sha256", KeyHash.sha256Hex(key));
        o.forEach((k, v) -> {
            if (!k.equals("rate") && !k.equals("seconds") && !k.equals("warmup") && !k.equals("traces-per-record")
                    && !k.equals("table-settings")) {
                // A full key (fnscope.kafka.partitions=1) is passed as is, a short one is the writer's.
                p.put(k.startsWith("fnscope.") ? k : "fnscope.writer." + k, v);
            }
        });
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p);
        WriterMetrics metrics = server.getApplicationContext().getBean(WriterMetrics.class);
        if (o.containsKey("table-settings")) { // exploration: e.g. table-settings=merge_selector_base=10
            ClickHouse ch = server.getApplicationContext().getBean(ClickHouse.class);
            for (String table : ch.query("SELECT name FROM system.tables WHERE database = {db:String} "
                    + "AND engine LIKE '%MergeTree'", Map.of("db", ch.database()), r -> r.getString("name"))) {
                ch.execute("ALTER TABLE " + ch.database() + "." + table + " MODIFY SETTING " + o.get("table-settings").replace(';', ','));
            }
            System.out.println("every MergeTree table: " + o.get("table-settings"));
        }
        Histogram window = new Histogram(600_000, 3);
        AtomicLong measuring = new AtomicLong();
        metrics.observeFreshness(ms -> {
            if (measuring.get() == 1) {
                synchronized (window) {
                    window.recordValue(Math.max(0, Math.min(ms, 600_000)));
                }
            }
        });

        // Requests of perRecord invocations (~5 spans each), distinct bodies, generated ahead.
        // The request rate comes from the mix's measured spans per request (~4.4 per invocation), so that rate=10000
        // sends 10,000 spans/s and not the 8,800 a nominal 5 spans per invocation gave.
        LambdaTraceMix sample = new LambdaTraceMix(7);
        for (int i = 0; i < 200; i++) {
            sample.record(perRecord, i);
        }
        int requestsPerSecond = Math.max(1, (int) Math.round(rate / (sample.spans / 200.0)));
        LambdaTraceMix mix = new LambdaTraceMix(7);
        int total = requestsPerSecond * (seconds + warmup);
        long now = System.currentTimeMillis() * 1_000_000L;
        List<byte[]> bodies = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            bodies.add(mix.record(perRecord, now + i * 1_000_000L));
        }
        double spansPerRequest = (double) mix.spans / total;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + http + "/v1/traces");
        AtomicLong sent = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2);
        long periodNanos = 1_000_000_000L / requestsPerSecond;
        AtomicLong next = new AtomicLong();
        String load = loadAverage();
        pacer.scheduleAtFixedRate(() -> {
            int i = (int) next.getAndIncrement();
            if (i >= bodies.size()) {
                return;
            }
            HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                    .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build();
            client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    failed.incrementAndGet();
                } else {
                    sent.incrementAndGet();
                }
            });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        Thread.sleep(warmup * 1000L);
        CpuMeter cpu = new CpuMeter();
        measuring.set(1);
        Thread.sleep(seconds * 1000L);
        measuring.set(0);
        String cpuUse = cpu.report(seconds);
        String loadAfter = loadAverage();
        pacer.shutdownNow();
        Histogram h;
        synchronized (window) {
            h = window.copy();
        }
        System.out.printf(Locale.ROOT, "FRESHNESS at %,d spans/s (%d requests/s of %.1f spans; %d sent ok, %d failed): "
                        + "records %d, p50 %d ms, p90 %d ms, p99 %d ms, max %d ms; %s; load average before %s, after %s%n",
                (int) (requestsPerSecond * spansPerRequest), requestsPerSecond, spansPerRequest, sent.get(), failed.get(),
                h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getMaxValue(), cpuUse, load, loadAfter);
        // Where the writer's engine time goes at this load: how many inserts per table, and how long each took.
        var registry = server.getApplicationContext().getBean(io.micrometer.core.instrument.MeterRegistry.class);
        StringBuilder inserts = new StringBuilder();
        registry.find("fnscope.writer.insert.duration").timers().stream()
                .sorted(java.util.Comparator.comparing(t -> t.getId().getTag("table")))
                .forEach(t -> inserts.append(String.format(Locale.ROOT, " %s %d x %.0f ms", t.getId().getTag("table"),
                        t.count(), t.mean(TimeUnit.MILLISECONDS))));
        double flushes = registry.find("fnscope.writer.flushes").counters().stream().mapToDouble(c -> c.count()).sum();
        System.out.printf(Locale.ROOT, "whole run: %.0f flushes; inserts (count x mean):%s%n", flushes, inserts);
        server.close();
        deleteTree(dir);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** CPU time of this process over a phase, as cores used. */
    static final class CpuMeter {
        private final long cpuStart = processCpuNanos();

        /** Process CPU seconds since this meter was made. */
        double seconds() {
            return (processCpuNanos() - cpuStart) / 1e9;
        }

        String report(double seconds) {
            double cores = seconds() / seconds;
            return String.format(Locale.ROOT, "process CPU %.2f cores of %d", cores, Runtime.getRuntime().availableProcessors());
        }

        private static long processCpuNanos() {
            var os = ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
