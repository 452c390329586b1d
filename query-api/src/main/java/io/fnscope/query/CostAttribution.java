package io.fnscope.query;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cost per request of entry points: how much each request of an entry point cost, its own invocations and
 * everything it set off downstream. Pure Java over three inputs the store reads: the entry traces with their entry
 * point, the trace edges (upstream → downstream, from span links and message ids), and each trace's cost.
 *
 * <h2>Definition</h2>
 * <ul>
 *   <li>An <b>entry trace</b> of the range is a trace whose root span (no parent) is a server span starting in
 *   [from, to), and that no other trace leads to (no edge into it). Its <b>entry point</b> is
 *   {@code "<method> <route>"} of the root span, else its function, else {@code "<service> <span name>"}.</li>
 *   <li>A trace's <b>attributed cost</b> = the cost of its own invocations + for each trace it leads to, that
 *   trace's attributed cost divided by the number of traces leading to it (a batch consumer that processed
 *   messages of two requests is split evenly between them), recursively, up to
 *   {@code fnscope.query.transaction.max-depth} hops. Edges and downstream costs count when their spans start in
 *   [from, to + {@code fnscope.query.transaction.window}).</li>
 *   <li><b>Cost per request</b> of an entry point = the sum of its entry traces' attributed costs / its number of
 *   entry traces (requests). Summed over entry points, attributed costs add up to the cost of every invocation
 *   reachable from an entry (up to rounding of uneven splits, at 20 decimals).</li>
 * </ul>
 */
final class CostAttribution {
    private static final int SCALE = 20;

    private CostAttribution() {
    }

    /** A trace's own invocations: their summed cost, count and functions. */
    record TraceCost(BigDecimal costUsd, long invocations, List<String> functions) {
    }

    /** One entry point's figures. */
    record EntryPoint(String name, long requests, BigDecimal directCostUsd, BigDecimal costUsd, long invocations,
                      List<String> functions, int downstreamTraces) {
    }

    static List<EntryPoint> attribute(Map<String, String> entryPointOfTrace, List<String[]> edges,
                                      Map<String, TraceCost> costs, int maxDepth) {
        Map<String, Set<String>> ups = new HashMap<>();
        Map<String, Set<String>> downs = new HashMap<>();
        for (String[] e : edges) {
            if (e[0].equals(e[1])) {
                continue;
            }
            ups.computeIfAbsent(e[1], k -> new HashSet<>()).add(e[0]);
            downs.computeIfAbsent(e[0], k -> new HashSet<>()).add(e[1]);
        }
        Map<String, List<String>> entriesByPoint = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entryPointOfTrace.entrySet()) {
            if (!ups.containsKey(e.getKey())) {
                entriesByPoint.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
            }
        }
        Map<String, BigDecimal> memo = new HashMap<>();
        List<EntryPoint> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> point : entriesByPoint.entrySet()) {
            BigDecimal direct = BigDecimal.ZERO;
            BigDecimal total = BigDecimal.ZERO;
            for (String trace : point.getValue()) {
                direct = direct.add(own(costs, trace));
                total = total.add(attributed(trace, ups, downs, costs, memo, maxDepth, new HashSet<>()));
            }
            // Reach: every trace an entry of this point leads to (for invocation and function counts).
            Set<String> reached = new HashSet<>();
            Deque<String[]> queue = new ArrayDeque<>();
            for (String t : point.getValue()) {
                if (reached.add(t)) {
                    queue.add(new String[]{t, "0"});
                }
            }
            while (!queue.isEmpty()) {
                String[] cur = queue.poll();
                int depth = Integer.parseInt(cur[1]);
                if (depth >= maxDepth) {
                    continue;
                }
                for (String d : downs.getOrDefault(cur[0], Set.of())) {
                    if (reached.add(d)) {
                        queue.add(new String[]{d, Integer.toString(depth + 1)});
                    }
                }
            }
            long invocations = 0;
            Set<String> functions = new TreeSet<>();
            for (String t : reached) {
                TraceCost c = costs.get(t);
                if (c != null) {
                    invocations += c.invocations();
                    functions.addAll(c.functions());
                }
            }
            out.add(new EntryPoint(point.getKey(), point.getValue().size(), direct, total, invocations,
                    List.copyOf(functions), reached.size() - point.getValue().size()));
        }
        return out;
    }

    private static BigDecimal own(Map<String, TraceCost> costs, String trace) {
        TraceCost c = costs.get(trace);
        return c == null || c.costUsd() == null ? BigDecimal.ZERO : c.costUsd();
    }

    private static BigDecimal attributed(String trace, Map<String, Set<String>> ups, Map<String, Set<String>> downs,
                                         Map<String, TraceCost> costs, Map<String, BigDecimal> memo, int depthLeft,
                                         Set<String> onPath) {
        BigDecimal known = memo.get(trace);
        if (known != null) {
            return known;
        }
        BigDecimal sum = own(costs, trace);
        if (depthLeft > 0 && onPath.add(trace)) {
            for (String d : downs.getOrDefault(trace, Set.of())) {
                if (onPath.contains(d)) {
                    continue; // a cycle of links: count each trace once along a path
                }
                BigDecimal share = attributed(d, ups, downs, costs, memo, depthLeft - 1, onPath)
                        .divide(BigDecimal.valueOf(ups.get(d).size()), SCALE, RoundingMode.HALF_EVEN);
                sum = sum.add(share);
            }
            onPath.remove(trace);
            memo.put(trace, sum);
        }
        return sum;
    }
}
