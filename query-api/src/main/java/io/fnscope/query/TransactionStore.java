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
 * {@code transaction_edges} index ({@code select_edges_of_nodes.sql}) and trace_index (ranges and span counts of the
 * traces found); the big spans table is read once at the end, for all the transaction's traces together with their
 * invocation rows. A hop that a parent context carries stays inside one trace and needs no search.
 * {@link Transaction} then builds the DAG from the spans.
 *
 * <p>The index is a graph of trace nodes and message nodes ({@code m:<message id>}): a trace's edges lead to the
 * traces it links with and to its messages, a message's edges to every trace that produced or consumed it. The
 * search first explores that graph ({@link TraceGraph#explore}): each round trip reads only the edges of the nodes
 * found in the round before, a primary-key lookup with the node ids as a literal set (~3 ms on 10M spans; the
 * earlier search took ~11 ms per hop for a lookup that also followed message nodes in a subquery, plus a range read
 * of the new traces beside it). A link is one round trip per hop, a message hop two (trace -> message -> traces),
 * counted as one hop in depth. Then one read of trace_index gives every explored trace's range (reading them
 * round by round beside the lookups measured the same), and a breadth-first walk over the explored graph applies
 * the bounds.
 *
 * <p>Bounded by {@link QuerySettings.Transaction}: hops between traces ({@code max-depth}), traces
 * ({@code max-traces}, nearer traces first, then earlier ones), time ({@code window} before the first and after
 * the last span of the trace asked for) and spans ({@code max-spans}, counted from trace_index before the spans are
 * read); the answer says which bound cut it. A connected trace outside the window is flagged when the link or
 * message that leads to it lies within twice the window (the lookups search that far; beyond, it is not seen at
 * all).
 */
public final class TransactionStore {
    /** Most edge rows read per round trip. */
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
        TraceGraph graph = TraceGraph.explore(first.traceId(), bounds.maxDepth(), exploreCap(),
                nodes -> edges(nodes.size() == 1 && nodes.getFirst().equals(first.traceId())
                        ? "select_edges_of_nodes_and_labels" : "select_edges_of_nodes", tenant, nodes, lookupFrom,
                        lookupTo));
        Map<String, TraceRange> ranges = graph.traces().size() == 1 ? Map.of(first.traceId(), first)
                : traces.ranges(tenant, graph.traces());

        // Breadth first again over what was explored, now with every trace's range: the bounds decide which
        // traces the transaction holds, nearest first, then earliest.
        Transaction.Truncation cut = new Transaction.Truncation();
        cut.traces = graph.capped();
        Map<String, TraceRange> known = new LinkedHashMap<>();
        known.put(first.traceId(), first);
        Map<String, Integer> depthOf = new HashMap<>();
        depthOf.put(first.traceId(), 0);
        Set<String> missing = new HashSet<>();
        long spans = first.spanCount();
        List<String> frontier = List.of(first.traceId());
        for (int depth = 1; !frontier.isEmpty(); depth++) {
            Set<String> candidates = new LinkedHashSet<>();
            for (String t : frontier) {
                candidates.addAll(graph.peers(t));
            }
            candidates.removeAll(known.keySet());
            candidates.removeAll(missing);
            List<TraceRange> next = new ArrayList<>();
            for (String c : candidates) {
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
            if (depth > bounds.maxDepth()) {
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
            for (TraceRange r : next) {
                known.put(r.traceId(), r);
                depthOf.put(r.traceId(), depth);
                spans += r.spanCount();
            }
            frontier = next.stream().map(TraceRange::traceId).toList();
        }
        if (spans > bounds.maxSpans()) {
            cut.spans = true; // the spans read below stop at the cap, earliest first
        }
        List<String> all = List.copyOf(known.keySet());
        long from = known.values().stream().mapToLong(TraceRange::startNs).min().orElseThrow();
        long to = known.values().stream().mapToLong(TraceRange::endNs).max().orElseThrow();
        var invocationsF = traces.async(() -> traces.invocations(tenant, TraceStore.indexedKeys(known.values()),
                from, to));
        List<SpanRow> rows = traces.transactionSpans(tenant, all, from, to, bounds.maxSpans());
        Map<String, InvocationRow> invocations = TraceStore.join(invocationsF);
        Set<String> unindexed = new HashSet<>();
        known.values().stream().filter(t -> t.invocationKeys() == null).forEach(t -> unindexed.add(t.traceId()));
        if (!unindexed.isEmpty()) { // their keys from their spans read: one more round trip, for such traces only
            invocations.putAll(traces.invocations(tenant, TraceStore.invocationKeys(rows.stream()
                    .filter(r -> unindexed.contains(r.traceId())).toList()), from, to));
        }
        return Optional.of(Transaction.build(id.hex(), rows, invocations, known, depthOf, missing.size(), cut,
                bounds));
    }

    /** Most traces one search explores: the traces bound, with room for those the other bounds drop. */
    private int exploreCap() {
        return 4 * bounds.maxTraces();
    }

    /**
     * The peers of each of {@code nodes} (trace ids, message nodes, labels) in transaction_edges; the first round also
     * reads the root's labels' members.
     */
    private Map<String, Set<String>> edges(String statement, String tenant, List<String> nodes, long from, long to) {
        Map<String, Set<String>> out = new HashMap<>();
        sql.query(statement, Map.of("tenant", tenant, "nodes", nodes, "from", TimeRange.ofNanos(from),
                "to", TimeRange.ofNanos(to), "limit", MAX_EDGES), r -> {
            String node = r.getString("node");
            String peer = r.getString("peer");
            if (!peer.equals(node)) {
                out.computeIfAbsent(node, k -> new HashSet<>()).add(peer);
            }
            return null;
        });
        return out;
    }
}
