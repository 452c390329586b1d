package io.fnscope.query;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The part of the trace_edges graph around one trace that a transaction search explored: trace nodes (trace ids)
 * and message nodes ({@code m:<message id>}), and which connect with which. A trace's edges lead to the traces it
 * links with (both ways) and to its messages; a message's edges to every trace that produced or consumed it.
 */
final class TraceGraph {
    static final String MESSAGE_NODE = "m:";

    private final Map<String, Set<String>> adjacent = new HashMap<>();
    private final Set<String> traces = new LinkedHashSet<>();
    private boolean capped;

    /** Where the graph's edges come from: the peers of each of the given nodes. */
    interface Edges extends Function<List<String>, Map<String, Set<String>>> {
    }

    /**
     * Explores from {@code root}, one call of {@code edges} per round with the nodes the round before found, until
     * no node is left within {@code maxDepth} trace hops or {@code cap} traces are known. A link is one hop; a
     * message (trace -> message -> traces) also one, though it takes two rounds. Traces one hop beyond
     * {@code maxDepth} are found but not explored: they only tell whether the depth bound cuts.
     *
     * <p>Because a message hop takes two rounds and a link one, a trace can first be found on a path with more
     * hops; found again nearer, it is explored again from there, so what lies within {@code maxDepth} of the root
     * is always explored.
     */
    static TraceGraph explore(String root, int maxDepth, int cap, Edges edges) {
        TraceGraph g = new TraceGraph();
        Map<String, Integer> depthOf = new HashMap<>(); // of a message: the depth of the trace before it
        depthOf.put(root, 0);
        g.add(root);
        List<String> frontier = List.of(root);
        while (!frontier.isEmpty()) {
            Map<String, Set<String>> peersOf = edges.apply(frontier);
            Set<String> next = new LinkedHashSet<>();
            for (String node : frontier) {
                int depth = depthOf.get(node);
                for (String peer : peersOf.getOrDefault(node, Set.of())) {
                    if (peer.equals(node)) {
                        continue;
                    }
                    g.connect(node, peer);
                    int peerDepth = isMessage(peer) ? depth : depth + 1;
                    Integer had = depthOf.get(peer);
                    if (had == null || peerDepth < had) {
                        depthOf.put(peer, peerDepth);
                        if (peerDepth <= maxDepth) {
                            next.add(peer);
                        }
                    }
                }
            }
            if (g.traces.size() >= cap && !next.isEmpty()) {
                g.capped = true; // more to explore, not explored
                break;
            }
            frontier = List.copyOf(next);
        }
        return g;
    }

    static boolean isMessage(String node) {
        return node.startsWith(MESSAGE_NODE);
    }

    /** Every trace found, the root first. */
    Set<String> traces() {
        return traces;
    }

    /** Whether the search stopped at its cap of traces, before it had explored everything within reach. */
    boolean capped() {
        return capped;
    }

    /** The traces one hop from {@code trace}: linked with it, or carrying one of its messages. */
    Set<String> peers(String trace) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : adjacent.getOrDefault(trace, Set.of())) {
            if (isMessage(n)) {
                out.addAll(adjacent.get(n));
            } else {
                out.add(n);
            }
        }
        out.remove(trace);
        return out;
    }

    private void add(String node) {
        adjacent.computeIfAbsent(node, k -> new LinkedHashSet<>());
        if (!isMessage(node)) {
            traces.add(node);
        }
    }

    private void connect(String a, String b) {
        add(a);
        add(b);
        adjacent.get(a).add(b);
        adjacent.get(b).add(a);
    }
}
