package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import io.fnscope.clickhouse.RowBinaryWriter;
import io.fnscope.clickhouse.ServiceEdges;
import io.fnscope.tenancy.KeyHash;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fixtures of the query API's tests: credentials, random ids (tests never see each other's data), and span and
 * invocation rows written into ClickHouse through the same RowBinary encoder and insert path the writer uses, so
 * the schema's materialized views (trace index, links, messages, roll-ups) fill exactly as in production.
 */
final class TestObjects {
    static final String ACME_VIEWER = "fns_testAcmeViewerToken00000000000001";
    static final String GLOBEX_VIEWER = "fns_testGlobexViewerToken0000000000002";
    static final String ACME_INGEST = "fns_testAcmeIngestKey000000000000003";
    static final String ACME_ADMIN = "fns_testAcmeAdminToken00000000000004";

    /** 2026-11-20T10:00:00Z in epoch nanoseconds: a fixed base so figures are exact. */
    static final long T0 = 1_795_168_800_000_000_000L;
    static final long MS = 1_000_000L;

    private TestObjects() {
    }

    static Map<String, Object> keys() {
        Map<String, Object> p = new HashMap<>();
        String[][] keys = {{"acme", "viewer", ACME_VIEWER}, {"globex", "viewer", GLOBEX_VIEWER},
                {"acme", "ingest", ACME_INGEST}, {"acme", "admin", ACME_ADMIN}};
        for (int i = 0; i < keys.length; i++) {
            p.put("fnscope.auth.keys[" + i + "].tenant", keys[i][0]);
            p.put("fnscope.auth.keys[" + i + "].role", keys[i][1]);
            p.put("fnscope.auth.keys[" + i + "].sha256", KeyHash.sha256Hex(keys[i][2]));
        }
        return p;
    }

    static String traceId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 0x10;
        return HexFormat.of().formatHex(b);
    }

    static String spanId() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 0x10;
        return HexFormat.of().formatHex(b);
    }

    static String iso(long nanos) {
        return TimeRange.ofNanos(nanos).toString();
    }

    // ---- spans ----

    static final List<Column> SPAN_COLUMNS = List.of(
            Column.of("tenant", "LowCardinality(String)"),
            Column.of("trace_id", "FixedString(16)"),
            Column.of("span_id", "FixedString(8)"),
            Column.of("parent_span_id", "FixedString(8)"),
            Column.of("name", "LowCardinality(String)"),
            Column.of("kind", "Enum8('unspecified' = 0, 'internal' = 1, 'server' = 2, 'client' = 3, 'producer' = 4, 'consumer' = 5)"),
            Column.of("start_time", "DateTime64(9)"),
            Column.of("duration_ns", "UInt64"),
            Column.of("status_code", "Enum8('unset' = 0, 'ok' = 1, 'error' = 2)"),
            Column.of("status_message", "String"),
            Column.of("service", "LowCardinality(String)"),
            Column.of("function", "LowCardinality(String)"),
            Column.of("invocation_id", "String"),
            Column.of("resource_attributes", "Map(LowCardinality(String), String)"),
            Column.of("attributes", "Map(LowCardinality(String), String)"),
            Column.of("events_time", "Array(DateTime64(9))"),
            Column.of("events_name", "Array(LowCardinality(String))"),
            Column.of("events_attributes", "Array(Map(LowCardinality(String), String))"),
            Column.of("links_trace_id", "Array(FixedString(16))"),
            Column.of("links_span_id", "Array(FixedString(8))"),
            Column.of("links_attributes", "Array(Map(LowCardinality(String), String))"));

    static final List<String> KINDS = List.of("unspecified", "internal", "server", "client", "producer", "consumer");

    /** A span to insert; fluent, with sensible defaults (kind internal, status unset). */
    static final class Span {
        String tenant = "acme";
        String traceId;
        String spanId = spanId();
        String parentSpanId;
        String name = "op";
        String kind = "internal";
        long startNs = T0;
        long durationNs = MS;
        String status = "unset";
        String statusMessage = "";
        String service = "";
        String function = "";
        String invocationId = "";
        final Map<String, String> resource = new LinkedHashMap<>();
        final Map<String, String> attributes = new LinkedHashMap<>();
        final List<Object[]> events = new ArrayList<>();
        final List<String[]> links = new ArrayList<>();

        Span(String traceId) {
            this.traceId = traceId;
        }

        Span tenant(String t) { tenant = t; return this; }
        Span id(String s) { spanId = s; return this; }
        Span parent(Span p) { parentSpanId = p.spanId; traceId = p.traceId; return this; }
        Span parent(String s) { parentSpanId = s; return this; }
        Span name(String n) { name = n; return this; }
        Span kind(String k) { kind = k; return this; }
        Span at(long startNs, long durationNs) { this.startNs = startNs; this.durationNs = durationNs; return this; }
        Span error(String message) { status = "error"; statusMessage = message; return this; }
        Span ok() { status = "ok"; return this; }
        Span service(String s) { service = s; resource.put("service.name", s); return this; }
        Span function(String f) { function = f; resource.put("faas.name", f); return this; }
        Span invocation(String id) { invocationId = id; attributes.put("faas.invocation_id", id); return this; }
        Span attr(String k, String v) { attributes.put(k, v); return this; }
        Span resource(String k, String v) { resource.put(k, v); return this; }
        Span event(long timeNs, String name, Map<String, String> attrs) { events.add(new Object[]{timeNs, name, attrs}); return this; }
        Span link(Span target) { links.add(new String[]{target.traceId, target.spanId}); return this; }
        Span link(String trace, String span) { links.add(new String[]{trace, span}); return this; }

        long end() {
            return startNs + durationNs;
        }
    }

    static Span span(String traceId) {
        return new Span(traceId);
    }

    @SuppressWarnings("unchecked")
    static void insertSpans(ClickHouse ch, List<Span> spans) {
        HexFormat hex = HexFormat.of();
        ch.insert("spans", SPAN_COLUMNS, out -> {
            for (Span s : spans) {
                out.string(s.tenant)
                        .fixedString(hex.parseHex(s.traceId), 16)
                        .fixedString(hex.parseHex(s.spanId), 8)
                        .fixedString(s.parentSpanId == null ? new byte[8] : hex.parseHex(s.parentSpanId), 8)
                        .string(s.name)
                        .enum8(KINDS.indexOf(s.kind))
                        .dateTime64Nanos(s.startNs)
                        .uint64(s.durationNs)
                        .enum8(List.of("unset", "ok", "error").indexOf(s.status))
                        .string(s.statusMessage)
                        .string(s.service)
                        .string(s.function)
                        .string(s.invocationId)
                        .stringMap(s.resource)
                        .stringMap(s.attributes);
                out.arrayLength(s.events.size());
                for (Object[] e : s.events) {
                    out.dateTime64Nanos((Long) e[0]);
                }
                out.stringArray(s.events.stream().map(e -> (String) e[1]).toList());
                out.arrayLength(s.events.size());
                for (Object[] e : s.events) {
                    out.stringMap((Map<String, String>) e[2]);
                }
                out.arrayLength(s.links.size());
                for (String[] l : s.links) {
                    out.fixedString(hex.parseHex(l[0]), 16);
                }
                out.arrayLength(s.links.size());
                for (String[] l : s.links) {
                    out.fixedString(hex.parseHex(l[1]), 8);
                }
                out.arrayLength(s.links.size());
                for (int i = 0; i < s.links.size(); i++) {
                    out.stringMap(Map.of());
                }
            }
        }, InsertOptions.NONE);
        insertEdges(ch, spans);
    }

    static final List<Column> EDGE_COLUMNS = List.of(
            Column.of("tenant", "LowCardinality(String)"),
            Column.of("minute", "DateTime"),
            Column.of("source_type", "LowCardinality(String)"),
            Column.of("source", "LowCardinality(String)"),
            Column.of("target_type", "LowCardinality(String)"),
            Column.of("target", "LowCardinality(String)"),
            Column.of("error", "UInt8"),
            Column.of("call_duration_ms", "Float64"));

    /** The service-map edges of the spans, as the writer inserts them beside the span rows. */
    static void insertEdges(ClickHouse ch, List<Span> spans) {
        record EdgeRow(Span span, ServiceEdges.Edge edge) {
        }
        List<EdgeRow> rows = new ArrayList<>();
        for (Span s : spans) {
            ServiceEdges.Attributes a = new ServiceEdges.Attributes();
            s.attributes.forEach(a::put);
            ServiceEdges.Edge e = ServiceEdges.of(KINDS.indexOf(s.kind), s.service, s.function, a);
            if (e != null) {
                rows.add(new EdgeRow(s, e));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        ch.insert("edge_calls", EDGE_COLUMNS, out -> {
            for (EdgeRow r : rows) {
                Span s = r.span();
                ServiceEdges.Edge e = r.edge();
                out.string(s.tenant).dateTime(s.startNs / 60_000_000_000L * 60).string(e.sourceType()).string(e.source())
                        .string(e.targetType()).string(e.target()).uint8(s.status.equals("error") ? 1 : 0)
                        .float64(s.durationNs / 1e6);
            }
        }, InsertOptions.NONE);
    }

    // ---- invocations ----

    static final List<Column> INVOCATION_COLUMNS = List.of(
            Column.of("tenant", "LowCardinality(String)"),
            Column.of("function", "LowCardinality(String)"),
            Column.of("invocation_id", "String"),
            Column.of("start_time", "DateTime64(9)"),
            Column.of("provider", "LowCardinality(String)"),
            Column.of("region", "LowCardinality(String)"),
            Column.of("architecture", "LowCardinality(String)"),
            Column.of("service", "LowCardinality(String)"),
            Column.of("trigger", "LowCardinality(String)"),
            Column.of("route", "LowCardinality(String)"),
            Column.of("trace_id", "FixedString(16)"),
            Column.of("span_id", "FixedString(8)"),
            Column.of("memory_mb", "UInt32"),
            Column.of("span_duration_ns", "Nullable(UInt64)"),
            Column.of("duration_ms", "Nullable(Float64)"),
            Column.of("billed_duration_ms", "Nullable(UInt32)"),
            Column.of("init_duration_ms", "Nullable(Float64)"),
            Column.of("cold_start", "UInt8"),
            Column.of("status", "Enum8('unknown' = 0, 'ok' = 1, 'error' = 2, 'timeout' = 3)"),
            Column.of("error_message", "String"),
            Column.of("max_memory_used_mb", "Nullable(UInt32)"),
            Column.of("cost_estimate_usd", "Nullable(Decimal(18, 12))"),
            Column.of("cost_exact_usd", "Nullable(Decimal(18, 12))"),
            Column.of("cost_flags", "UInt32"),
            Column.of("has_span", "UInt8"),
            Column.of("has_report", "UInt8"));

    /**
     * One half of an invocation row: the span half (trace, span, span duration, cold start flag, estimate) or the
     * report half (billed duration, memory, init, status, exact cost), as the writer inserts them.
     */
    static final class Half {
        String tenant = "acme";
        String function;
        String invocationId;
        long startNs = T0;
        String provider = "aws";
        String region = "us-east-1";
        String architecture = "x86_64";
        String service = "";
        String trigger = "";
        String route = "";
        String traceId;
        String spanId;
        int memoryMb;
        Long spanDurationNs;
        Double durationMs;
        Long billedMs;
        Double initMs;
        boolean cold;
        String status = "unknown";
        String errorMessage = "";
        Long maxUsedMb;
        BigDecimal estimate;
        BigDecimal exact;
        int costFlags;
        boolean span;
        boolean report;

        Half(String function, String invocationId) {
            this.function = function;
            this.invocationId = invocationId;
        }

        /** The span half of the invocation started by {@code s}, keyed as the writer keys it. */
        static Half ofSpan(Span s, BigDecimal estimate) {
            Half h = new Half(s.function, s.invocationId.isEmpty() ? s.spanId : s.invocationId);
            h.tenant = s.tenant;
            h.startNs = s.startNs;
            h.service = s.service;
            h.traceId = s.traceId;
            h.spanId = s.spanId;
            h.spanDurationNs = s.durationNs;
            h.cold = "true".equals(s.attributes.get("faas.coldstart"));
            h.trigger = s.attributes.getOrDefault("faas.trigger", "");
            h.route = s.attributes.getOrDefault("http.route", "");
            h.status = s.status.equals("error") ? "error" : "ok";
            h.estimate = estimate;
            h.costFlags = 1; // DURATION_FROM_SPAN
            h.span = true;
            return h;
        }

        /** The platform-report half. */
        static Half ofReport(String tenant, String function, String invocationId, long startNs, int memoryMb,
                             double durationMs, long billedMs, Double initMs, long maxUsedMb, String status,
                             BigDecimal exact) {
            Half h = new Half(function, invocationId);
            h.tenant = tenant;
            h.startNs = startNs;
            h.memoryMb = memoryMb;
            h.durationMs = durationMs;
            h.billedMs = billedMs;
            h.initMs = initMs;
            h.cold = initMs != null;
            h.maxUsedMb = maxUsedMb;
            h.status = status;
            h.exact = exact;
            h.report = true;
            return h;
        }

        Half memory(int mb) { memoryMb = mb; return this; }
        Half service(String s) { service = s; return this; }
        Half trigger(String t) { trigger = t; return this; }
        Half architecture(String a) { architecture = a; return this; }
        Half provider(String p) { provider = p; return this; }
    }

    static void insertInvocations(ClickHouse ch, List<Half> halves) {
        HexFormat hex = HexFormat.of();
        ch.insert("invocations", INVOCATION_COLUMNS, out -> {
            for (Half h : halves) {
                out.string(h.tenant).string(h.function).string(h.invocationId).dateTime64Nanos(h.startNs)
                        .string(h.provider).string(h.region).string(h.architecture).string(h.service)
                        .string(h.trigger).string(h.route)
                        .fixedString(h.traceId == null ? new byte[16] : hex.parseHex(h.traceId), 16)
                        .fixedString(h.spanId == null ? new byte[8] : hex.parseHex(h.spanId), 8)
                        .uint32(h.memoryMb);
                nullable(out, h.spanDurationNs == null ? null : out2 -> out2.uint64(h.spanDurationNs));
                nullable(out, h.durationMs == null ? null : out2 -> out2.float64(h.durationMs));
                nullable(out, h.billedMs == null ? null : out2 -> out2.uint32(h.billedMs));
                nullable(out, h.initMs == null ? null : out2 -> out2.float64(h.initMs));
                out.uint8(h.cold ? 1 : 0)
                        .enum8(List.of("unknown", "ok", "error", "timeout").indexOf(h.status))
                        .string(h.errorMessage);
                nullable(out, h.maxUsedMb == null ? null : out2 -> out2.uint32(h.maxUsedMb));
                nullable(out, h.estimate == null ? null : out2 -> out2.int64(pico(h.estimate)));
                nullable(out, h.exact == null ? null : out2 -> out2.int64(pico(h.exact)));
                out.uint32(h.costFlags).uint8(h.span ? 1 : 0).uint8(h.report ? 1 : 0);
            }
        }, InsertOptions.NONE);
    }

    static long pico(BigDecimal usd) {
        return usd.movePointRight(12).longValueExact();
    }

    private interface Value {
        void write(RowBinaryWriter out) throws java.io.IOException;
    }

    private static void nullable(RowBinaryWriter out, Value v) throws java.io.IOException {
        if (v == null) {
            out.nullValue();
        } else {
            out.notNull();
            v.write(out);
        }
    }

    static BigDecimal usd(String v) {
        return new BigDecimal(v);
    }
}
