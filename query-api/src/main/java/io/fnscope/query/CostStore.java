package io.fnscope.query;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Cost breakdowns. By function and service: the per-minute roll-up (the same rows and source choice as the
 * functions view, so the figures agree). By trigger: the invocation rows. By route: entry requests and what they set
 * off downstream, attributed by {@link CostAttribution}.
 */
final class CostStore {
    private final QuerySql sql;
    private final FunctionStore functions;
    private final QuerySettings settings;

    CostStore(QuerySql sql, FunctionStore functions, QuerySettings settings) {
        this.sql = sql;
        this.functions = functions;
        this.settings = settings;
    }

    CostView cost(String tenant, CostQuery q) {
        return switch (q.groupBy()) {
            case FUNCTION, SERVICE -> byRollup(tenant, q);
            case TRIGGER -> byTrigger(tenant, q);
            case ROUTE -> byRoute(tenant, q);
        };
    }

    private CostView byRollup(String tenant, CostQuery q) {
        boolean byService = q.groupBy() == CostQuery.GroupBy.SERVICE;
        record Acc(long[] invocations, BigDecimal[] cost, double[] gbs, TreeSet<String> functions) {
        }
        Map<String, Acc> groups = new LinkedHashMap<>();
        for (FunctionStore.Measures m : functions.measures(tenant, q.range())) {
            String key = byService ? (m.service() == null || m.service().isEmpty() ? "unknown" : m.service()) : m.function();
            Acc a = groups.computeIfAbsent(key, k -> new Acc(new long[1], new BigDecimal[]{BigDecimal.ZERO},
                    new double[1], new TreeSet<>()));
            a.invocations()[0] += m.invocations();
            a.cost()[0] = a.cost()[0].add(m.costUsd());
            a.gbs()[0] += m.gbSeconds();
            a.functions().add(m.function());
        }
        BigDecimal total = groups.values().stream().map(a -> a.cost()[0]).reduce(BigDecimal.ZERO, BigDecimal::add);
        long invocations = groups.values().stream().mapToLong(a -> a.invocations()[0]).sum();
        List<CostView.Group> out = new ArrayList<>();
        groups.forEach((k, a) -> out.add(new CostView.Group(k, a.invocations()[0], Money.of(a.cost()[0]),
                share(a.cost()[0], total), Money.divide(a.cost()[0], a.invocations()[0]), a.gbs()[0],
                List.copyOf(a.functions()), null, null, null, null, null)));
        out.sort(byCost());
        return new CostView(q.groupBy().id(), Times.iso(q.range().from()), Times.iso(q.range().to()), Money.of(total),
                invocations, out, false, null);
    }

    private CostView byTrigger(String tenant, CostQuery q) {
        List<CostView.Group> out = sql.query("select_cost_by_trigger", Map.of("tenant", tenant,
                "from", q.range().from(), "to", q.range().to()), r -> {
            BigDecimal cost = r.getBigDecimal("g_cost_usd");
            long n = r.getLong("g_invocations");
            return new CostView.Group(r.getString("group_key"), n, Money.of(cost), null, Money.divide(cost, n), null,
                    null, null, null, null, null, null);
        });
        BigDecimal total = out.stream().map(CostView.Group::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        List<CostView.Group> withShare = out.stream().map(g -> new CostView.Group(g.key(), g.invocations(),
                g.costUsd(), share(g.costUsd(), total), g.costPerInvocationUsd(), null, null, null, null, null, null,
                null)).sorted(byCost()).toList();
        return new CostView(q.groupBy().id(), Times.iso(q.range().from()), Times.iso(q.range().to()), Money.of(total),
                out.stream().mapToLong(CostView.Group::invocations).sum(), withShare, false, null);
    }

    private CostView byRoute(String tenant, CostQuery q) {
        int limit = settings.maxAttributionTraces();
        java.time.Instant downstreamTo = q.range().to().plus(settings.transaction().window());
        Map<String, String> entries = new LinkedHashMap<>();
        sql.query("select_entry_traces", Map.of("tenant", tenant, "from", q.range().from(), "to", q.range().to(),
                "limit", limit + 1), r -> entries.put(r.getString("trace"), r.getString("entry_point")));
        List<String[]> edges = sql.query("select_trace_edges", Map.of("tenant", tenant, "from", q.range().from(),
                "to", downstreamTo, "limit", limit + 1), r -> new String[]{r.getString("upstream"), r.getString("downstream")});
        Map<String, CostAttribution.TraceCost> costs = new HashMap<>();
        sql.query("select_trace_costs", Map.of("tenant", tenant, "from",
                q.range().from().minusNanos(TraceStore.INVOCATION_SLACK_NS), "to", downstreamTo, "limit", limit + 1), r -> {
            costs.put(r.getString("trace"), new CostAttribution.TraceCost(r.getBigDecimal("t_cost_usd"),
                    r.getLong("t_invocations"), r.getList("t_functions")));
            return null;
        });
        boolean truncated = entries.size() > limit || edges.size() > limit || costs.size() > limit;
        List<CostAttribution.EntryPoint> points = CostAttribution.attribute(entries, edges, costs,
                settings.transaction().maxDepth());
        BigDecimal total = points.stream().map(CostAttribution.EntryPoint::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        List<CostView.Group> out = new ArrayList<>();
        long invocations = 0;
        for (CostAttribution.EntryPoint p : points) {
            invocations += p.invocations();
            out.add(new CostView.Group(p.name(), p.invocations(), Money.of(p.costUsd()), share(p.costUsd(), total),
                    Money.divide(p.costUsd(), p.invocations()), null, p.functions(), p.requests(),
                    Money.of(p.directCostUsd()), Money.of(p.costUsd().subtract(p.directCostUsd())),
                    Money.divide(p.costUsd(), p.requests()), p.downstreamTraces()));
        }
        out.sort(byCost());
        return new CostView(q.groupBy().id(), Times.iso(q.range().from()), Times.iso(q.range().to()), Money.of(total),
                invocations, out, truncated, settings.transaction().window().toMillis());
    }

    private static Double share(BigDecimal part, BigDecimal total) {
        return total.signum() == 0 ? null : part.doubleValue() / total.doubleValue();
    }

    private static Comparator<CostView.Group> byCost() {
        return Comparator.comparing(CostView.Group::costUsd, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(CostView.Group::key);
    }
}
