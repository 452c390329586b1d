package io.fnscope.query;

import io.fnscope.query.TraceStore.TraceRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the business transaction a trace belongs to: from that trace, breadth first, every trace connected to the
 * ones found so far through span links (both directions: what their spans link to, and what links into them) or a
 * message id that a messaging span of each carries. The search reads only the query API's small
 * {@code trace_edges} index ({@code select_edges_of_traces.sql}) and trace_index (ranges and span counts of the
 * traces found); the big spans table is read once at the end, for all the transaction's traces together with their
 * invocation rows. A hop that a parent context carries stays inside one trace and needs no search.
 * {@link Transaction} then builds the DAG from the spans.
 *
 * <p>One round trip per level: the ranges of the traces a level found and, at the same time, their edges (before
 * knowing whether the bounds keep them; the edges of traces the bounds drop are then ignored).
 *
 * <p>Bounded by {@link QuerySettings.Transaction}: hops between traces ({@code max-depth}), traces
 * ({@code max-traces}), time ({@code window} before the first and after the last span of the trace asked for) and
 * spans ({@code max-spans}, counted from trace_index before the spans are read); the answer says which bound cut
 * it. A connected trace outside the window is flagged when the link or message that leads to it lies within twice
 * the window (the lookups search that far; beyond, it is not seen at all).
 */
public final class TransactionStore {
    /** Most edge rows read per level. */
    static final int MAX_EDGES = 10_000;

    private final TraceStore traces;
    private final QuerySql sql;
    private final QuerySettings.Transaction bounds;

    TransactionStore(TraceStore traces, QuerySql sql, QuerySettings.Transaction bounds) {
        this.traces = traces;
        this.sql = sql;
        this.bounds = bounds;
    }

    /**
     * How many invocations of each function the business transaction containing {@code traceIdHex} holds (32 hex
     * digits), or empty when this tenant has no such trace: what the alerts' recursive-loop rule counts.
     */
    public Optional<Map<String, Integer>> invocationsPerFunction(String tenant, String traceIdHex) {
        return transaction(tenant, TraceId.parse("traceId", traceIdHex)).map(t -> {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            for (TransactionView.NodeView n : t.invocations()) {
                if ("invocation".equals(n.type()) && n.function() != null) {
                    counts.merge(n.function(), 1, Integer::sum);
                }
            }
            return counts;
        });
    }

    Optional<TransactionView> transaction(String tenant, TraceId id) {
        TraceRange first = traces.ranges(tenant, List.of(id.hex())).get(id.hex());
        if (first == null) {
            return Optional.empty();
        }
        long window = bounds.window().toNanos();
        long windowFrom = first.startNs() - window;
        long windowTo = first.endNs() + window;
        long lookupFrom = windowFrom - window;
        long lookupTo = windowTo + window;
        Transaction.Truncation cut = new Transaction.Truncation();
        Map<String, TraceRange> known = new LinkedHashMap<>();
        known.put(first.traceId(), first);
        Map<String, Integer> depthOf = new HashMap<>();
        depthOf.put(id.hex(), 0);
        Set<String> missing = new LinkedHashSet<>();
        long spans = first.spanCount();
        List<String> frontier = List.of(first.traceId());
        var edgesF = traces.async(() -> edges(tenant, List.of(first.traceId()), lookupFrom, lookupTo));
        int depth = 0;
        while (true) {
            Set<String> candidates = new LinkedHashSet<>();
            for (String source : frontier) {
                candidates.addAll(join(edgesF).getOrDefault(source, Set.of()));
            }
            candidates.removeAll(known.keySet());
            candidates.removeAll(missing);
            if (candidates.isEmpty()) {
                break;
            }
            List<String> found = List.copyOf(candidates);
            var rangesF = traces.async(() -> traces.ranges(tenant, found));
            var nextEdgesF = traces.async(() -> edges(tenant, found, lookupFrom, lookupTo));
            Map<String, TraceRange> ranges = TraceStore.join(rangesF);
            List<TraceRange> next = new ArrayList<>();
            for (String c : found) {
                TraceRange r = ranges.get(c);
                if (r == null) {
                    missing.add(c); // linked, but never stored (not sent to fnscope, or expired)
                } else if (r.startNs() > windowTo || r.endNs() < windowFrom) {
                    cut.window = true;
                } else {
                    next.add(r);
                }
            }
            if (next.isEmpty()) {
                break;
            }
            if (depth + 1 > bounds.maxDepth()) {
                cut.depth = true;
                break;
            }
            next.sort(Comparator.comparingLong(TraceRange::startNs).thenComparing(TraceRange::traceId));
            int roomTraces = bounds.maxTraces() - known.size();
            if (next.size() > roomTraces) {
                cut.traces = true;
                next = next.subList(0, roomTraces);
            }
            if (spans >= bounds.maxSpans()) {
                cut.spans = true;
                break;
            }
            depth++;
            for (TraceRange r : next) {
                known.put(r.traceId(), r);
                depthOf.put(r.traceId(), depth);
                spans += r.spanCount();
            }
            frontier = next.stream().map(TraceRange::traceId).toList();
            edgesF = nextEdgesF;
        }
        if (spans > bounds.maxSpans()) {
            cut.spans = true; // the spans read below stop at the cap, earliest first
        }
        List<String> all = List.copyOf(known.keySet());
        long from = known.values().stream().mapToLong(TraceRange::startNs).min().orElseThrow();
        long to = known.values().stream().mapToLong(TraceRange::endNs).max().orElseThrow();
        List<SpanRow> rows = traces.spans(tenant, all, from, to, bounds.maxSpans());
        Map<String, InvocationRow> invocations = traces.invocationsOf(tenant, rows);
        return Optional.of(Transaction.build(id.hex(), rows, invocations, known, depthOf, missing.size(), cut, bounds));
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        return TraceStore.join(f);
    }

    /**
     * The traces one hop from each of {@code ids}: linked either way, or sharing a message id (trace -> message
     * node -> trace, joined here from the rows of {@code select_edges_of_traces.sql}).
     */
    private Map<String, Set<String>> edges(String tenant, List<String> ids, long from, long to) {
        Map<String, Set<String>> out = new HashMap<>();
        Map<String, Set<String>> messagePeers = new HashMap<>();
        List<String[]> rows = sql.query("select_edges_of_traces", Map.of("tenant", tenant, "trace_ids", ids,
                "from", TimeRange.ofNanos(from), "to", TimeRange.ofNanos(to), "limit", MAX_EDGES),
                r -> new String[]{r.getString("node"), r.getString("peer")});
        for (String[] e : rows) {
            if (e[0].startsWith("m:")) {
                messagePeers.computeIfAbsent(e[0], k -> new HashSet<>()).add(e[1]);
            }
        }
        for (String[] e : rows) {
            if (e[0].startsWith("m:")) {
                continue;
            }
            Set<String> peers = out.computeIfAbsent(e[0], k -> new HashSet<>());
            if (e[1].startsWith("m:")) {
                peers.addAll(messagePeers.getOrDefault(e[1], Set.of()));
            } else {
                peers.add(e[1]);
            }
            peers.remove(e[0]);
        }
        return out;
    }
}
