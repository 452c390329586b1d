package io.fnscope.query;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The part of the transaction_edges graph around one trace that a transaction search explored: trace nodes (trace ids)
 * and message nodes ({@code m:<message id>}), and which connect with which. A trace's edges lead to the traces it
 * links with (both ways) and to its messages; a message's edges to every trace that produced or consumed it.
 */
final class TraceGraph {
    static final String MESSAGE_NODE = "m:";

    private final Map<String, Set<String>> adjacent = new HashMap<>();
    private final Set<String> traces = new LinkedHashSet<>();
    private boolean capped;

    /**
     * Where the graph's edges come from: the peers of each of the given nodes, and of any other node it read too
     * (a label's members, with the root).
     */
    interface Edges extends Function<List<String>, Map<String, Set<String>>> {
    }

    /**
     * Explores from {@code root}, one call of {@code edges} per round with the nodes the round before found, until
     * no node is left within {@code maxDepth} trace hops or {@code cap} traces are known. A link is one hop; a
     * message (trace -> message -> traces) also one, though it takes two rounds. Traces one hop beyond
     * {@code maxDepth} are found but not explored: they only tell whether the depth bound cuts. Depths are those of
     * the shortest paths found so far, so a trace first found on a longer path is explored once a nearer one makes
     * it near enough.
     *
     * <p>Transaction labels ({@link TransactionLabeller}) shorten the rounds: a node's label ({@code c:<label>}) is
     * read with its other peers, and reading the label lists every node labelled with it, whose edges the next round
     * reads, all at once. So a transaction whose nodes are labelled takes three rounds (the root, its label, the
     * members) whatever its length, two when the first lookup reads the root's label's members too (the transaction
     * search's does). Only the real edges count for depth, and every node reached is still read, so a
     * node the labeller missed is found hop by hop as without labels. A label with more than {@code cap} members is
     * not followed.
     */
    static TraceGraph explore(String root, int maxDepth, int cap, Edges edges) {
        TraceGraph g = new TraceGraph();
        g.add(root);
        Set<String> found = new LinkedHashSet<>(List.of(root)); // real nodes, in the order found
        Set<String> read = new HashSet<>();
        List<String> frontier = List.of(root);
        while (!frontier.isEmpty()) {
            Map<String, Set<String>> peersOf = edges.apply(frontier);
            // The lookup may answer more than asked: the first one reads the root's labels too.
            Set<String> answered = new LinkedHashSet<>(frontier);
            answered.addAll(peersOf.keySet());
            read.addAll(answered);
            Set<String> labels = new LinkedHashSet<>();
            Set<String> members = new LinkedHashSet<>();
            for (String node : answered) {
                Set<String> peers = peersOf.getOrDefault(node, Set.of());
                if (isComponent(node)) {
                    if (peers.size() <= cap) {
                        peers.stream().filter(p -> !isComponent(p)).forEach(members::add);
                    }
                    continue;
                }
                for (String peer : peers) {
                    if (peer.equals(node)) {
                        continue;
                    }
                    if (isComponent(peer)) {
                        labels.add(peer);
                    } else {
                        g.connect(node, peer);
                        found.add(peer);
                    }
                }
            }
            Map<String, Integer> depthOf = g.depths(root);
            Set<String> next = new LinkedHashSet<>();
            for (String node : found) {
                Integer depth = depthOf.get(node);
                if (!read.contains(node) && depth != null && depth <= maxDepth) {
                    next.add(node);
                }
            }
            for (String node : labels) {
                if (!read.contains(node)) {
                    next.add(node);
                }
            }
            for (String node : members) {
                Integer depth = depthOf.get(node); // unknown until its edges are read
                if (!read.contains(node) && (depth == null || depth <= maxDepth)) {
                    next.add(node);
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

    /**
     * Hops from {@code root} to every node connected so far (a message node: the hops of the trace before it), by
     * a breadth-first walk where entering a message costs nothing and entering a trace one hop.
     */
    private Map<String, Integer> depths(String root) {
        Map<String, Integer> depth = new HashMap<>();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
        depth.put(root, 0);
        queue.add(root);
        while (!queue.isEmpty()) {
            String node = queue.pollFirst();
            int d = depth.get(node);
            for (String peer : adjacent.getOrDefault(node, Set.of())) {
                boolean free = isMessage(peer);
                int pd = free ? d : d + 1;
                Integer had = depth.get(peer);
                if (had == null || pd < had) {
                    depth.put(peer, pd);
                    if (free) {
                        queue.addFirst(peer);
                    } else {
                        queue.addLast(peer);
                    }
                }
            }
        }
        return depth;
    }

    static boolean isComponent(String node) {
        return node.startsWith(TransactionLabeller.COMPONENT_NODE);
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
