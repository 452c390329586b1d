package io.fnscope.query.alerts;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.query.TransactionStore;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds recursive loops: a function invoked again and again within one business transaction through a queue, a bus
 * or a direct invocation (the loop AWS stops after 16 turns, and only for some triggers). Cheap first: the service
 * map's per-minute edges ({@code edges_minute}) show which functions sit on a cycle at all; only for those does it
 * read a few recent transactions ({@link TransactionStore}) and count each function's invocations in them.
 */
final class LoopDetector {
    private final ClickHouse clickHouse;
    private final TransactionStore transactions;
    private final int samples;

    LoopDetector(ClickHouse clickHouse, TransactionStore transactions, int samples) {
        this.clickHouse = clickHouse;
        this.transactions = transactions;
        this.samples = samples;
    }

    /** The worst loop seen: a transaction (by one of its traces) in which {@code function} ran {@code count} times. */
    record Loop(String function, String traceId, int count, List<String> cycle) {
    }

    /** @param functions the functions to check, or null for all of the tenant's */
    Optional<Loop> worst(String tenant, Set<String> functions, Instant from, int maxRepeats) {
        Map<String, Set<String>> graph = new HashMap<>();
        clickHouse.query("SELECT source_type, source, target_type, target FROM " + clickHouse.database()
                        + ".edges_minute WHERE tenant = {tenant:String} AND minute >= toStartOfMinute({from:DateTime64(3)})"
                        + " GROUP BY source_type, source, target_type, target",
                Map.of("tenant", tenant, "from", from), r -> graph.computeIfAbsent(
                        r.getString("source_type") + ":" + r.getString("source"), k -> new HashSet<>())
                        .add(r.getString("target_type") + ":" + r.getString("target")));
        Loop worst = null;
        for (String node : graph.keySet()) {
            if (!node.startsWith("function:")) {
                continue;
            }
            String function = node.substring("function:".length());
            if (functions != null && !functions.contains(function)) {
                continue;
            }
            List<String> cycle = cycleThrough(graph, node);
            if (cycle == null) {
                continue;
            }
            for (String traceId : recentTraces(tenant, function, from)) {
                int count = transactions.invocationsPerFunction(tenant, traceId)
                        .map(c -> c.getOrDefault(function, 0)).orElse(0);
                if (count > maxRepeats && (worst == null || count > worst.count())) {
                    worst = new Loop(function, traceId, count, cycle);
                }
            }
        }
        return Optional.ofNullable(worst);
    }

    /** The shortest path from {@code start} back to itself, as node names, or null when there is none. */
    static List<String> cycleThrough(Map<String, Set<String>> graph, String start) {
        Map<String, String> parent = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>(graph.getOrDefault(start, Set.of()));
        for (String n : queue) {
            parent.put(n, start);
        }
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (n.equals(start)) {
                java.util.LinkedList<String> path = new java.util.LinkedList<>();
                String at = parent.get(start);
                path.addFirst(start);
                while (!at.equals(start)) {
                    path.addFirst(at);
                    at = parent.get(at);
                }
                path.addFirst(start);
                return List.copyOf(path);
            }
            for (String next : graph.getOrDefault(n, Set.of())) {
                if (!parent.containsKey(next)) {
                    parent.put(next, n);
                    queue.add(next);
                }
            }
        }
        return null;
    }

    private List<String> recentTraces(String tenant, String function, Instant from) {
        return clickHouse.query("SELECT lower(hex(max(trace_id))) AS trace, min(start_time) AS started FROM "
                        + clickHouse.database() + ".invocations WHERE tenant = {tenant:String}"
                        + " AND function = {function:String} AND start_time >= {from:DateTime64(3)}"
                        + " GROUP BY invocation_id HAVING trace != repeat('0', 32)"
                        + " ORDER BY started DESC LIMIT {limit:UInt32}",
                Map.of("tenant", tenant, "function", function, "from", from, "limit", samples),
                r -> r.getString("trace")).stream().distinct().toList();
    }
}
