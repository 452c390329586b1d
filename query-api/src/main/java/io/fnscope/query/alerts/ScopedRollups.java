package io.fnscope.query.alerts;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.query.FunctionStore;
import io.fnscope.query.TimeRange;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scope's measures over a time range, from the per-function roll-ups only ({@code function_hour} and
 * {@code function_minute}, through {@link FunctionStore}): budgets and rates never read spans. A tag scope is the
 * set of functions {@code function_tags} lists for it.
 *
 * <p>A round of evaluation reads the same ranges for many budgets and rules (every monthly budget of a tenant asks
 * for the month so far, every 5-minute rule for the last 5 minutes), so reads go through a {@link Memo} that the
 * round creates and drops: each range is read once per round.
 */
final class ScopedRollups {
    private final FunctionStore functions;
    private final ClickHouse clickHouse;

    ScopedRollups(FunctionStore functions, ClickHouse clickHouse) {
        this.functions = functions;
        this.clickHouse = clickHouse;
    }

    /**
     * Sums over the functions in scope.
     *
     * @param p95Ms     the highest p95 duration among the scope's functions (a digest per function cannot be merged
     *                  across functions here), null without invocations
     * @param functions each function's measures, highest cost first
     */
    record Totals(long invocations, long errors, long coldStarts, BigDecimal costUsd, Double p95Ms,
                  List<FunctionStore.Measures> functions) {

        double errorRate() {
            return invocations == 0 ? 0 : (double) errors / invocations;
        }

        double coldStartRate() {
            return invocations == 0 ? 0 : (double) coldStarts / invocations;
        }
    }

    /** What one round (or one API request) has read already, by tenant and range, and tag. Not thread-safe. */
    static final class Memo {
        private final Map<String, List<FunctionStore.Measures>> measures = new HashMap<>();
        private final Map<String, Set<String>> tags = new HashMap<>();
    }

    Totals totals(String tenant, Scope scope, Instant from, Instant to, Memo memo) {
        Set<String> tagged = scope.type().equals("tag") ? memo.tags.computeIfAbsent(tenant + "\n" + scope.value(),
                k -> taggedFunctions(tenant, scope)) : Set.of();
        long invocations = 0;
        long errors = 0;
        long coldStarts = 0;
        BigDecimal cost = BigDecimal.ZERO;
        Double p95 = null;
        List<FunctionStore.Measures> in = memo.measures.computeIfAbsent(tenant + "\n" + from + "\n" + to,
                        k -> functions.measures(tenant, new TimeRange(from, to))).stream()
                .filter(m -> switch (scope.type()) {
                    case "service" -> scope.value().equals(m.service());
                    case "function" -> scope.value().equals(m.function());
                    case "tag" -> tagged.contains(m.function());
                    default -> true;
                })
                .sorted(Comparator.comparing(FunctionStore.Measures::costUsd).reversed()
                        .thenComparing(FunctionStore.Measures::function))
                .toList();
        for (FunctionStore.Measures m : in) {
            invocations += m.invocations();
            errors += m.errors();
            coldStarts += m.coldStarts();
            cost = cost.add(m.costUsd());
            Number q95 = m.durationQ() == null || m.durationQ().size() < 2 ? null : m.durationQ().get(1);
            if (q95 != null && m.invocations() > 0 && !Double.isNaN(q95.doubleValue())) {
                p95 = p95 == null ? q95.doubleValue() : Math.max(p95, q95.doubleValue());
            }
        }
        return new Totals(invocations, errors, coldStarts, cost, p95, in);
    }

    private Set<String> taggedFunctions(String tenant, Scope scope) {
        return new HashSet<>(clickHouse.query("SELECT DISTINCT function FROM " + clickHouse.database()
                        + ".function_tags WHERE tenant = {tenant:String} AND key = {key:String} AND value = {value:String}",
                Map.of("tenant", tenant, "key", scope.tagKey(), "value", scope.tagValue()),
                r -> r.getString("function")));
    }
}
