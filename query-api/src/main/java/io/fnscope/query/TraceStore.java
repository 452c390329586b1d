package io.fnscope.query;

import io.fnscope.clickhouse.Row;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Reads traces: one trace by id, searches, and the building blocks the transaction view shares (trace ranges,
 * spans, invocations, links into traces). Every statement filters by the caller's tenant, so another tenant's trace
 * id finds nothing (404, as for an id nobody sent), and every read of spans is bounded by time: the traces' range
 * from trace_index.
 *
 * <p>Every read of one or more traces starts with their row in trace_index (their range, span count and invocation
 * keys), then runs the statements that do not depend on each other at once on {@code executor} (the embedded engine
 * runs up to {@code fnscope.clickhouse.embedded.connections} statements at a time): a trace by id is its spans,
 * invocations and incoming links together, plus one statement to name the linking spans when there are any.
 */
final class TraceStore {
    /** Most links into one trace shown by the trace view. */
    static final int MAX_INCOMING_LINKS = 1000;
    /** The longest a Lambda invocation can run: an invocation's report half may start that far from its span. */
    static final long INVOCATION_SLACK_NS = java.time.Duration.ofMinutes(15).toNanos();

    private final QuerySql sql;
    private final QuerySettings settings;
    private final Executor executor;

    TraceStore(QuerySql sql, QuerySettings settings, Executor executor) {
        this.sql = sql;
        this.settings = settings;
        this.executor = executor;
    }

    /**
     * A trace's time range and span count, from trace_index, and the keys of its invocation rows, each
     * [function, invocation id]; null when trace_index does not have them (rows written before migration 0124) or
     * has more than {@code max-trace-spans} of them (they are then found in the engine, from the trace's spans,
     * instead of travelling as parameters).
     */
    record TraceRange(String traceId, long startNs, long endNs, long spanCount, List<List<String>> invocationKeys) {
    }

    /**
     * One trace: its row in trace_index, then its spans, its invocation rows (by key) and the links into it, all
     * at once, then the names of the linking spans. An id this tenant does not have costs the first lookup only.
     */
    Optional<TraceView> trace(String tenant, TraceId id) {
        TraceRange range = ranges(tenant, List.of(id.hex())).get(id.hex());
        if (range == null) {
            return Optional.empty();
        }
        int max = settings.maxTraceSpans();
        long window = settings.transaction().window().toNanos();
        var incomingF = async(() -> linksInto(tenant, range, window, MAX_INCOMING_LINKS));
        var invocationsF = range.invocationKeys() == null ? null
                : async(() -> invocations(tenant, range.invocationKeys(), range.startNs(), range.endNs()));
        List<SpanRow> spans = sql.query("select_one_trace_spans", Map.of("tenant", tenant, "trace_id", id.hex(),
                "from", TimeRange.ofNanos(range.startNs()), "to", TimeRange.ofNanos(range.endNs()), "limit", max + 1),
                SpanRow::map);
        boolean truncated = spans.size() > max;
        if (truncated) {
            spans = spans.subList(0, max);
        }
        Set<List<String>> shownKeys = invocationKeys(spans);
        // Without keys in trace_index, the keys of the spans read (one more round trip, for such traces only).
        Map<String, InvocationRow> invocations = invocationsF != null ? join(invocationsF)
                : invocations(tenant, shownKeys, range.startNs(), range.endNs());
        List<IncomingLinkRow> incoming = join(incomingF);
        if (spans.isEmpty()) {
            return Optional.empty(); // indexed, but its spans expired first
        }
        if (truncated) {
            // only those of the spans shown
            invocations.keySet().retainAll(shownKeys.stream().map(k -> InvocationRow.key(k.get(0), k.get(1)))
                    .collect(java.util.stream.Collectors.toSet()));
        }
        return Optional.of(TraceView.of(id.hex(), spans, truncated, invocations, describe(tenant, incoming)));
    }

    TraceSummary.Page search(String tenant, TraceQuery q) {
        TraceSearch search = TraceSearch.of(q);
        Map<String, Object> params = new HashMap<>(search.params());
        params.put("tenant", tenant);
        params.put("limit", q.limit() + 1);
        List<Long> matchedAt = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        sql.run("search_traces", search.sql(sql.text("search_traces")), params, r -> {
            ids.add(r.getString("trace"));
            matchedAt.add(r.getLong("first_ns"));
            return null;
        });
        boolean more = ids.size() > q.limit();
        if (more) {
            ids.subList(q.limit(), ids.size()).clear();
        }
        List<TraceSummary> hits = summarize(tenant, ids, matchedAt);
        String next = null;
        if (more && !ids.isEmpty()) {
            int last = ids.size() - 1;
            next = new Cursor(q.fingerprint(), q.range().fromNanos(), q.range().toNanos(), matchedAt.get(last),
                    ids.get(last)).encode();
        }
        return new TraceSummary.Page(Times.iso(q.range().from()), Times.iso(q.range().to()), q.limit(), hits, next);
    }

    private List<TraceSummary> summarize(String tenant, List<String> ids, List<Long> matchedAt) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, TraceRange> ranges = ranges(tenant, ids);
        if (ranges.isEmpty()) {
            return List.of();
        }
        long from = ranges.values().stream().mapToLong(TraceRange::startNs).min().orElseThrow();
        long to = ranges.values().stream().mapToLong(TraceRange::endNs).max().orElseThrow();
        var invocationsF = async(() -> invocations(tenant, indexedKeys(ranges.values()), from, to));
        Map<String, SummaryRow> rows = new HashMap<>();
        sql.query("summarize_traces", Map.of("tenant", tenant, "trace_ids", ids, "from", TimeRange.ofNanos(from),
                "to", TimeRange.ofNanos(to)), r -> {
            SummaryRow s = SummaryRow.map(r);
            rows.put(s.traceId(), s);
            return null;
        });
        Map<String, InvocationRow> invocations = join(invocationsF);
        List<List<String>> unindexed = new ArrayList<>();
        ranges.values().stream().filter(t -> t.invocationKeys() == null && rows.containsKey(t.traceId()))
                .forEach(t -> unindexed.addAll(rows.get(t.traceId()).invocationKeys()));
        invocations.putAll(invocations(tenant, unindexed, from, to)); // their keys from the summary of their spans
        List<TraceSummary> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            SummaryRow s = rows.get(ids.get(i));
            if (s == null) {
                continue;
            }
            BigDecimal cost = null;
            int found = 0;
            for (List<String> k : s.invocationKeys()) {
                InvocationRow inv = invocations.get(k.get(0) + "/" + k.get(1));
                if (inv != null) {
                    cost = Money.sum(cost, inv.costUsd());
                    found++;
                }
            }
            out.add(new TraceSummary(s.traceId(), Times.iso(s.startNs()), Times.ms(s.endNs() - s.startNs()),
                    s.spanCount(), s.root(), s.services(), s.functions(), s.errorCount(), found, Money.of(cost),
                    Times.iso(matchedAt.get(i))));
        }
        return out;
    }

    private record SummaryRow(String traceId, TraceSummary.Root root, long startNs, long endNs, int spanCount,
                              int errorCount, List<String> services, List<String> functions,
                              List<List<String>> invocationKeys) {
        static SummaryRow map(Row r) {
            return new SummaryRow(r.getString("trace"),
                    new TraceSummary.Root(r.getString("root_span"), r.getString("root_name"), r.getString("root_kind"),
                            emptyToNull(r.getString("root_service")), emptyToNull(r.getString("root_function"))),
                    r.getLong("start_ns"), r.getLong("end_ns"), (int) r.getLong("span_count"),
                    (int) r.getLong("error_count"), r.getList("services"), r.getList("functions"),
                    r.getList("invocation_keys"));
        }
    }

    // ---- building blocks, shared with TransactionStore ----

    Map<String, TraceRange> ranges(String tenant, Collection<String> traceIds) {
        Map<String, TraceRange> out = new LinkedHashMap<>();
        if (traceIds.isEmpty()) {
            return out;
        }
        int maxKeys = settings.maxTraceSpans(); // a view shows at most that many spans, so invocations, of a trace
        sql.query("select_trace_ranges", Map.of("tenant", tenant, "trace_ids", List.copyOf(traceIds),
                "max_keys", maxKeys), r -> {
            boolean keyed = r.getLong("invocations_indexed") != 0 && r.getLong("invocation_key_count") <= maxKeys;
            TraceRange t = new TraceRange(r.getString("trace"), r.getLong("start_ns"), r.getLong("end_ns"),
                    r.getLong("span_count"), keyed ? r.<List<String>>getList("invocation_keys") : null);
            out.put(t.traceId(), t);
            return null;
        });
        return out;
    }

    /**
     * The spans of a transaction's traces in {@code [fromNs, toNs]} (their range), by start time, at most
     * {@code limit}, with the columns the transaction's DAG uses ({@link SpanRow#mapForTransaction}).
     */
    List<SpanRow> transactionSpans(String tenant, Collection<String> traceIds, long fromNs, long toNs, int limit) {
        return sql.query("select_transaction_spans", Map.of("tenant", tenant, "trace_ids", List.copyOf(traceIds),
                "from", TimeRange.ofNanos(fromNs), "to", TimeRange.ofNanos(toNs), "limit", limit),
                SpanRow::mapForTransaction);
    }

    /**
     * The invocation rows with {@code keys} (each [function, invocation id]) of traces whose spans lie in
     * {@code [fromNs, toNs]}, by {@link InvocationRow#key()}.
     */
    Map<String, InvocationRow> invocations(String tenant, Collection<List<String>> keys, long fromNs, long toNs) {
        Map<String, InvocationRow> out = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        List<String> functions = new ArrayList<>(keys.size());
        List<String> ids = new ArrayList<>(keys.size());
        for (List<String> k : keys) {
            functions.add(k.get(0));
            ids.add(k.get(1));
        }
        sql.query("select_invocations_by_key", Map.of("tenant", tenant, "functions", functions,
                "invocation_ids", ids, "from", TimeRange.ofNanos(fromNs), "to", TimeRange.ofNanos(toNs)), r -> {
            InvocationRow i = InvocationRow.map(r);
            out.put(i.key(), i);
            return null;
        });
        return out;
    }

    /**
     * The invocation keys trace_index holds for {@code traces}; traces without them ({@link TraceRange}) add none,
     * and their callers take those from the spans they read.
     */
    static List<List<String>> indexedKeys(Collection<TraceRange> traces) {
        List<List<String>> keys = new ArrayList<>();
        for (TraceRange t : traces) {
            if (t.invocationKeys() != null) {
                keys.addAll(t.invocationKeys());
            }
        }
        return keys;
    }

    /**
     * The keys ([function, invocation id]) of the invocations {@code spans} belong to, as the writer keys them
     * ({@link InvocationRow#key()}): {@code faas.invocation_id}, else the span id of a function's server or
     * consumer span (a superset: a server span that is not an entry adds a key no row has).
     */
    static Set<List<String>> invocationKeys(List<SpanRow> spans) {
        Set<List<String>> keys = new LinkedHashSet<>();
        for (SpanRow s : spans) {
            if (s.function().isEmpty()
                    || (s.invocationId().isEmpty() && !"server".equals(s.kind()) && !"consumer".equals(s.kind()))) {
                continue;
            }
            keys.add(List.of(s.function(), s.invocationId().isEmpty() ? s.spanId() : s.invocationId()));
        }
        return keys;
    }

    /** A link into a trace; the linking span's name, service and function are null when the row does not hold them. */
    record IncomingLinkRow(String targetTrace, String targetSpan, String sourceTrace, String sourceSpan,
                           long sourceStartNs, String sourceName, String sourceService, String sourceFunction) {
        boolean described() {
            return sourceName != null;
        }
    }

    /** Spans of other traces linking into this one, starting within {@code windowNs} of its range. */
    List<IncomingLinkRow> linksInto(String tenant, TraceRange trace, long windowNs, int limit) {
        return sql.query("select_links_into_trace", Map.of("tenant", tenant, "trace_id", trace.traceId(),
                "from", TimeRange.ofNanos(Math.max(0, trace.startNs() - windowNs)),
                "to", TimeRange.ofNanos(trace.endNs() + windowNs), "limit", limit),
                r -> {
                    boolean described = r.getInt("described") == 1;
                    return new IncomingLinkRow(r.getString("target_trace"), r.getString("target_span"),
                            r.getString("source_trace"), r.getString("source_span"), r.getLong("source_start_ns"),
                            described ? r.getString("source_name") : null,
                            described ? r.getString("source_service") : null,
                            described ? r.getString("source_function") : null);
                });
    }

    /**
     * The links with the name, service and function of each linking span: from the link rows, and for rows written
     * before migration 0128 from the spans (one statement for all of those).
     */
    private List<TraceView.IncomingLink> describe(String tenant, List<IncomingLinkRow> links) {
        List<IncomingLinkRow> undescribed = links.stream().filter(l -> !l.described()).toList();
        Map<String, String[]> names = new HashMap<>();
        if (!undescribed.isEmpty()) {
            List<String> traces = undescribed.stream().map(IncomingLinkRow::sourceTrace).toList();
            List<String> spanIds = undescribed.stream().map(IncomingLinkRow::sourceSpan).toList();
            long from = undescribed.stream().mapToLong(IncomingLinkRow::sourceStartNs).min().orElseThrow();
            long to = undescribed.stream().mapToLong(IncomingLinkRow::sourceStartNs).max().orElseThrow();
            sql.query("select_spans_by_id", Map.of("tenant", tenant, "trace_ids", traces, "span_ids", spanIds,
                    "from", TimeRange.ofNanos(from), "to", TimeRange.ofNanos(to)), r -> {
                names.put(r.getString("trace") + "/" + r.getString("span"),
                        new String[]{r.getString("name"), r.getString("service"), r.getString("function")});
                return null;
            });
        }
        List<TraceView.IncomingLink> out = new ArrayList<>();
        for (IncomingLinkRow l : links) {
            String[] n = l.described() ? new String[]{l.sourceName(), l.sourceService(), l.sourceFunction()}
                    : names.getOrDefault(l.sourceTrace() + "/" + l.sourceSpan(), new String[3]);
            out.add(new TraceView.IncomingLink(l.targetSpan(), l.sourceTrace(), l.sourceSpan(), l.sourceStartNs(),
                    n[0], emptyToNull(n[1]), emptyToNull(n[2])));
        }
        return out;
    }

    <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, executor);
    }

    /** The result, or the statement's own exception (a ClickHouseException keeps its meaning for the handler). */
    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
