package io.fnscope.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service map from the roll-ups only: edges from {@code edges_minute}, function nodes' figures from
 * {@code function_minute} (the same measures as the functions view). Functions with invocations but no edges are
 * nodes too.
 */
final class ServiceMapStore {
    static final int MAX_EDGES = 5000;

    private final QuerySql sql;
    private final FunctionStore functions;

    ServiceMapStore(QuerySql sql, FunctionStore functions) {
        this.sql = sql;
        this.functions = functions;
    }

    ServiceMapView map(String tenant, TimeRange range) {
        List<ServiceMapView.Edge> edges = new ArrayList<>();
        Map<String, String[]> nodes = new LinkedHashMap<>();
        sql.query("select_service_map_edges", Map.of("tenant", tenant, "from", range.from(), "to", range.to(),
                "limit", MAX_EDGES + 1), r -> {
            String source = r.getString("source_type") + ":" + r.getString("source");
            String target = r.getString("target_type") + ":" + r.getString("target");
            nodes.putIfAbsent(source, new String[]{r.getString("source_type"), r.getString("source")});
            nodes.putIfAbsent(target, new String[]{r.getString("target_type"), r.getString("target")});
            long calls = r.getLong("e_calls");
            long errors = r.getLong("e_errors");
            edges.add(new ServiceMapView.Edge(source, target, calls, errors,
                    calls == 0 ? null : (double) errors / calls, FunctionView.Quantiles.of(r.getList("e_duration_q")),
                    calls == 0 ? null : r.getDouble("e_duration_ms_sum") / calls));
            return null;
        });
        boolean truncated = edges.size() > MAX_EDGES;
        if (truncated) {
            edges.subList(MAX_EDGES, edges.size()).clear();
        }
        Map<String, FunctionStore.Measures> byFunction = new HashMap<>();
        for (FunctionStore.Measures m : functions.measures(tenant, range)) {
            byFunction.put(m.function(), m);
            nodes.putIfAbsent("function:" + m.function(), new String[]{"function", m.function()});
        }
        List<ServiceMapView.Node> out = new ArrayList<>();
        nodes.forEach((id, tn) -> {
            FunctionStore.Measures m = "function".equals(tn[0]) ? byFunction.get(tn[1]) : null;
            out.add(m == null ? new ServiceMapView.Node(id, tn[0], tn[1], null, null, null, null, null, null)
                    : new ServiceMapView.Node(id, tn[0], tn[1], m.invocations(), m.errors(), m.rate(m.errors()),
                    m.coldStarts(), FunctionView.Quantiles.of(m.durationQ()), m.costUsd()));
        });
        return new ServiceMapView(Times.iso(range.from()), Times.iso(range.to()), out, edges, truncated);
    }
}
