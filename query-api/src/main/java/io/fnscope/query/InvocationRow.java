package io.fnscope.query;

import io.fnscope.clickhouse.Row;
import io.fnscope.cost.CostFlag;

import java.math.BigDecimal;
import java.util.List;

/**
 * One function execution from the {@code invocations} table, folded from its span half and its platform-report
 * half. Numbers the halves did not provide are null.
 *
 * @param costUsd   the report's exact cost when the report arrived, else the span half's estimate; null when
 *                  neither priced it
 * @param costExact true when {@code costUsd} is the report's (billed duration and memory as AWS measured them)
 * @param costFlags why the cost is an estimate ({@link CostFlag} names)
 */
record InvocationRow(
        String function,
        String invocationId,
        String traceId,
        String spanId,
        long startNs,
        String provider,
        String region,
        String architecture,
        String service,
        String trigger,
        String route,
        Integer memoryMb,
        Double durationMs,
        Long billedDurationMs,
        Double initDurationMs,
        boolean coldStart,
        String status,
        String errorMessage,
        Long maxMemoryUsedMb,
        BigDecimal costUsd,
        boolean costExact,
        List<String> costFlags,
        boolean hasReport) {

    String key() {
        return key(function, invocationId);
    }

    /** The key of the row of {@code function}'s invocation {@code invocationId}. */
    static String key(String function, String invocationId) {
        return function + "/" + invocationId;
    }

    static InvocationRow map(Row r) {
        Double duration = r.isNull("i_duration_ms") ? null : r.getDouble("i_duration_ms");
        if (duration == null && !r.isNull("i_span_duration_ns")) {
            duration = r.getLong("i_span_duration_ns") / 1e6;
        }
        int memory = r.getInt("i_memory_mb");
        boolean exact = r.getInt("i_cost_exact") == 1;
        int flags = r.getInt("i_cost_flags");
        if (exact) {
            // cost_flags is the union of both halves' flags (groupBitOr; merges fold the halves, so they cannot be
            // told apart afterwards). The span half always sets DURATION_FROM_SPAN, which can never describe the
            // report's cost (priced from the billed duration): without this, every invocation with both halves
            // would answer costExact=true together with a reason why its cost is an estimate.
            flags &= ~CostFlag.DURATION_FROM_SPAN.bit();
        }
        return new InvocationRow(r.getString("function"), r.getString("invocation_id"), r.getString("i_trace"),
                r.getString("i_span"), r.getLong("i_start_ns"), r.getString("i_provider"), r.getString("i_region"),
                r.getString("i_architecture"), r.getString("i_service"), r.getString("i_trigger"),
                r.getString("i_route"), memory == 0 ? null : memory, duration,
                r.isNull("i_billed_duration_ms") ? null : r.getLong("i_billed_duration_ms"),
                r.isNull("i_init_duration_ms") ? null : r.getDouble("i_init_duration_ms"),
                r.getInt("i_cold_start") == 1, r.getString("i_status"), r.getString("i_error_message"),
                r.isNull("i_max_memory_used_mb") ? null : r.getLong("i_max_memory_used_mb"),
                r.isNull("i_cost_usd") ? null : Money.of(r.getBigDecimal("i_cost_usd")),
                exact, CostFlag.names(flags),
                r.getInt("i_has_report") == 1);
    }
}
