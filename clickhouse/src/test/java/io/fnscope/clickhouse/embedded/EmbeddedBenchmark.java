package io.fnscope.clickhouse.embedded;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import io.fnscope.clickhouse.RowBinaryBody;
import io.fnscope.clickhouse.SharedClickHouse;
import io.fnscope.clickhouse.internal.BinaryResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Throughput and latency of the embedded transport, for the report (not a test). Run from the module directory with
 * the test classpath and {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *      io.fnscope.clickhouse.embedded.EmbeddedBenchmark [rows]
 * </pre>
 *
 * Measures: inserts of span-like rows (22 columns) through file() RowBinary, in batches of 10k and 100k and one of
 * 1M; point lookups by trace id in the 1M-row table; and the decoding of a 100k-row scan as
 * RowBinaryWithNamesAndTypes (the transports' format) against JSONEachRow parsed with Jackson.
 */
public final class EmbeddedBenchmark {
    static final List<Column> SPAN = List.of(
            Column.of("tenant", "LowCardinality(String)"), Column.of("trace_id", "FixedString(16)"),
            Column.of("span_id", "FixedString(8)"), Column.of("parent_span_id", "FixedString(8)"),
            Column.of("name", "LowCardinality(String)"), Column.of("kind", "Enum8('internal' = 1, 'server' = 2, 'client' = 3)"),
            Column.of("service", "LowCardinality(String)"), Column.of("start_time", "DateTime64(9)"),
            Column.of("duration_ns", "UInt64"), Column.of("status_code", "Enum8('unset' = 0, 'ok' = 1, 'error' = 2)"),
            Column.of("status_message", "String"), Column.of("cloud", "LowCardinality(String)"),
            Column.of("region", "LowCardinality(String)"), Column.of("function_name", "LowCardinality(String)"),
            Column.of("cold_start", "Bool"), Column.of("memory_mb", "UInt32"), Column.of("billed_ms", "UInt64"),
            Column.of("cost_usd", "Float64"), Column.of("invocation_id", "String"),
            Column.of("attributes", "Map(LowCardinality(String), String)"),
            Column.of("resource", "Map(LowCardinality(String), String)"), Column.of("event_count", "UInt16"));

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String db = SharedClickHouse.uniqueName("bench");
        try (EmbeddedClickHouse ch = (EmbeddedClickHouse) SharedClickHouse.newDatabase("bench", ClickHouseDefaults.of(db))) {
            ch.execute(createTable(db, "spans"));
            encodeOnly(100_000);
            encodeOnly(100_000);
            System.out.printf("rows per batch | batches | rows/s (insert incl. encode + temp file) | MiB/s of RowBinary%n");
            for (int batch : new int[] {10_000, 100_000}) {
                ch.execute("TRUNCATE TABLE " + db + ".spans");
                run(ch, db, batch, total / batch);
            }
            ch.execute("TRUNCATE TABLE " + db + ".spans");
            run(ch, db, total, 1);
            long n = ch.query("SELECT count() AS n FROM " + db + ".spans", r -> r.getLong("n")).getFirst();
            System.out.printf("rows in table: %,d; on disk: %s%n", n, ch.query("SELECT formatReadableSize(sum(bytes_on_disk)) AS s"
                    + " FROM system.parts WHERE database = {db:String} AND active", Map.of("db", db), r -> r.getString("s")).getFirst());
            ch.execute("OPTIMIZE TABLE " + db + ".spans FINAL");

            // Point lookups by trace id (primary key prefix tenant + trace_id), random existing keys.
            Random random = new Random(42);
            long[] lat = new long[2000];
            for (int i = -200; i < lat.length; i++) {
                int k = random.nextInt(total);
                long t0 = System.nanoTime();
                List<String> names = ch.query("SELECT name, duration_ns FROM " + db + ".spans WHERE tenant = {t:String}"
                                + " AND trace_id = unhex({id:String})", Map.of("t", tenant(k), "id", HexFormat.of().formatHex(traceId(k))),
                        r -> r.getString("name"));
                long dt = System.nanoTime() - t0;
                if (names.size() != 1) {
                    throw new IllegalStateException("lookup " + k + " found " + names.size() + " rows");
                }
                if (i >= 0) {
                    lat[i] = dt;
                }
            }
            Arrays.sort(lat);
            System.out.printf("point lookup by trace id in %,d rows: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", n,
                    lat[lat.length / 2] / 1e6, lat[lat.length * 9 / 10] / 1e6, lat[lat.length * 99 / 100] / 1e6,
                    lat[lat.length - 1] / 1e6);

            decoding(ch, db);
            breakdown(ch, db);
            ch.execute("DROP DATABASE " + db);
        }
        SharedClickHouse.release();
    }

    static void run(EmbeddedClickHouse ch, String db, int batch, int batches) {
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            int from = b * batch;
            ch.insert(db + ".spans", SPAN, rows(from, batch), InsertOptions.deduplicatedBy("bench-" + batch + "-" + b));
        }
        long dt = System.nanoTime() - t0;
        long rows = (long) batch * batches;
        long bytes = encodedSize(batch);
        System.out.printf("%,14d | %7d | %,12.0f | %,8.1f%n", batch, batches, rows / (dt / 1e9),
                bytes * (double) batches / (1 << 20) / (dt / 1e9));
    }

    static void encodeOnly(int rows) {
        try {
            long t0 = System.nanoTime();
            var w = new io.fnscope.clickhouse.RowBinaryWriter(java.io.OutputStream.nullOutputStream());
            rows(0, rows).writeTo(w);
            w.flush();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("encode only (Java, to a null stream): %,.0f rows/s, %.1f MiB/s%n", rows / s, w.bytesWritten() / s / (1 << 20));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where an insert's time goes inside the engine: parsing the file, and writing the MergeTree part. */
    static void breakdown(EmbeddedClickHouse ch, String db) throws IOException {
        java.nio.file.Path file = ch.tempDir().resolve("insert-bench.rowbinary");
        try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 1 << 16)) {
            var w = new io.fnscope.clickhouse.RowBinaryWriter(out);
            rows(0, 100_000).writeTo(w);
            w.flush();
        }
        String src = "file(" + io.fnscope.clickhouse.internal.ParameterText.quoted(file.toString()) + ", 'RowBinary', "
                + io.fnscope.clickhouse.internal.ParameterText.quoted(io.fnscope.clickhouse.internal.StatementText.structure(SPAN)) + ")";
        ch.execute("CREATE TABLE " + db + ".spans_null AS " + db + ".spans ENGINE = Null");
        ch.execute("CREATE TABLE " + db + ".spans_plain AS " + db + ".spans");
        for (int round = 0; round < 3; round++) {
            ch.execute("TRUNCATE TABLE " + db + ".spans_plain");
            long t0 = System.nanoTime();
            ch.query("SELECT sum(length(attributes)) AS n FROM " + src, r -> r.getLong("n"));
            long t1 = System.nanoTime();
            ch.execute("INSERT INTO " + db + ".spans_null SELECT * FROM " + src);
            long t2 = System.nanoTime();
            ch.execute("INSERT INTO " + db + ".spans_plain SELECT * FROM " + src);
            long t3 = System.nanoTime();
            if (round == 2) {
                System.out.printf("100k rows from a file: parse %.0f ms, INSERT into Null %.0f ms, INSERT into MergeTree %.0f ms%n",
                        (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
            }
        }
        java.nio.file.Files.delete(file);
    }

    static long encodedSize(int rows) {
        try {
            var out = new java.io.ByteArrayOutputStream();
            var w = new io.fnscope.clickhouse.RowBinaryWriter(out);
            rows(0, rows).writeTo(w);
            w.flush();
            return out.size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decoding a 100k-row scan: the transports' RowBinaryWithNamesAndTypes reader against JSONEachRow + Jackson. */
    static void decoding(EmbeddedClickHouse ch, String db) throws IOException {
        EmbeddedEngine engine = EmbeddedEngine.current();
        String sql = "SELECT tenant, hex(trace_id) AS trace_id, name, start_time, duration_ns, attributes FROM " + db
                + ".spans LIMIT 100000";
        byte[] q = sql.getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            int[] binary = engine.run(q, "RowBinaryWithNamesAndTypes", Map.of(), bytes -> new int[] {(int) bytes.byteSize(),
                    BinaryResult.decode(new SegmentInputStream(bytes), r -> r.getInstant("start_time").getNano()
                            + r.getString("name").length() + (int) r.getLong("duration_ns") + r.getMap("attributes").size()).size()});
            long t1 = System.nanoTime();
            JsonFactory jf = new JsonFactory();
            int[] json = engine.run(q, "JSONEachRow", Map.of(), bytes -> {
                byte[] heap = bytes.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                int rows = 0;
                try (JsonParser p = jf.createParser(heap)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    while (p.nextToken() != null) {
                        if (p.currentToken() == JsonToken.START_OBJECT && p.getParsingContext().getParent().inRoot()) {
                            row.clear();
                        } else if (p.currentToken() == JsonToken.FIELD_NAME && p.getParsingContext().getParent().inRoot()) {
                            String field = p.currentName();
                            p.nextToken();
                            if (p.currentToken() == JsonToken.START_OBJECT) {
                                Map<String, String> m = new LinkedHashMap<>();
                                while (p.nextToken() != JsonToken.END_OBJECT) {
                                    String k = p.currentName();
                                    p.nextToken();
                                    m.put(k, p.getText());
                                }
                                row.put(field, m);
                            } else {
                                row.put(field, p.getText());
                            }
                        } else if (p.currentToken() == JsonToken.END_OBJECT && p.getParsingContext().inRoot()) {
                            // Parse what the binary path gets for free: the timestamp and the number.
                            Instant.parse(((String) row.get("start_time")).replace(' ', 'T') + "Z");
                            Long.parseLong((String) row.get("duration_ns"));
                            rows++;
                        }
                    }
                }
                return new int[] {heap.length, rows};
            });
            long t2 = System.nanoTime();
            if (round == 4) {
                System.out.printf("100k-row scan, query + decode: RowBinaryWithNamesAndTypes %.0f ms (%,d bytes, %d rows),"
                                + " JSONEachRow + Jackson %.0f ms (%,d bytes, %d rows)%n", (t1 - t0) / 1e6, binary[0], binary[1],
                        (t2 - t1) / 1e6, json[0], json[1]);
            }
        }
    }

    static String createTable(String db, String table) {
        return """
                CREATE TABLE %s.%s
                (
                    tenant LowCardinality(String), trace_id FixedString(16), span_id FixedString(8),
                    parent_span_id FixedString(8), name LowCardinality(String),
                    kind Enum8('internal' = 1, 'server' = 2, 'client' = 3), service LowCardinality(String),
                    start_time DateTime64(9) CODEC(Delta, ZSTD(1)), duration_ns UInt64 CODEC(T64, ZSTD(1)),
                    status_code Enum8('unset' = 0, 'ok' = 1, 'error' = 2), status_message String,
                    cloud LowCardinality(String), region LowCardinality(String), function_name LowCardinality(String),
                    cold_start Bool, memory_mb UInt32, billed_ms UInt64, cost_usd Float64, invocation_id String,
                    attributes Map(LowCardinality(String), String) CODEC(ZSTD(3)),
                    resource Map(LowCardinality(String), String) CODEC(ZSTD(3)), event_count UInt16,
                    INDEX idx_attr_keys mapKeys(attributes) TYPE bloom_filter(0.01) GRANULARITY 4
                )
                ENGINE = MergeTree
                ORDER BY (tenant, trace_id, start_time)
                SETTINGS non_replicated_deduplication_window = 1000
                """.formatted(db, table);
    }

    static String tenant(int i) {
        return "tenant-" + (i % 10);
    }

    static byte[] traceId(int i) {
        byte[] id = new byte[16];
        long h = i * 0x9E3779B97F4A7C15L;
        for (int b = 0; b < 8; b++) {
            id[b] = (byte) (h >>> (8 * b));
        }
        id[12] = (byte) (i >>> 24);
        id[13] = (byte) (i >>> 16);
        id[14] = (byte) (i >>> 8);
        id[15] = (byte) i;
        return id;
    }

    /** Span-like rows {@code from .. from + n - 1}: realistic cardinalities, ~10 attributes each. */
    static RowBinaryBody rows(int from, int n) {
        Map<String, String> resource = Map.of("cloud.provider", "aws", "faas.runtime", "java21", "service.version", "1.4.2");
        return out -> {
            byte[] spanId = new byte[8];
            for (int i = from; i < from + n; i++) {
                long start = 1_760_000_000_000_000_000L + i * 1_000_000L;
                spanId[0] = (byte) i;
                spanId[1] = (byte) (i >>> 8);
                spanId[2] = (byte) (i >>> 16);
                Map<String, String> attrs = new LinkedHashMap<>();
                attrs.put("http.method", i % 5 == 0 ? "POST" : "GET");
                attrs.put("http.route", "/orders/{id}/items/" + (i % 50));
                attrs.put("http.status_code", i % 97 == 0 ? "500" : "200");
                attrs.put("faas.trigger", "http");
                attrs.put("faas.coldstart", i % 100 == 0 ? "true" : "false");
                attrs.put("net.peer.name", "api.example.com");
                attrs.put("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)");
                attrs.put("aws.request_id", Integer.toHexString(i * 31) + "-req");
                attrs.put("db.system", "dynamodb");
                attrs.put("custom.order_id", Integer.toString(i));
                out.string(tenant(i)).fixedString(traceId(i), 16).fixedString(spanId, 8).fixedString(new byte[8], 8)
                        .string("GET /orders/" + (i % 20)).enum8(2).string("orders-" + (i % 8)).dateTime64Nanos(start)
                        .uint64(1_000_000L + (i % 1000) * 1000L).enum8(i % 97 == 0 ? 2 : 1)
                        .string(i % 97 == 0 ? "internal error" : "").string("aws").string(i % 2 == 0 ? "eu-west-1" : "us-east-1")
                        .string("orders-fn-" + (i % 8)).bool(i % 100 == 0).uint32(512).uint64(1 + i % 1000)
                        .float64(0.0000166667 * (1 + i % 1000) / 1000.0).string("inv-" + i)
                        .stringMap(attrs).stringMap(resource).uint16(i % 3);
            }
        };
    }

    private EmbeddedBenchmark() {
    }
}
