package io.fnscope.query;

import io.fnscope.clickhouse.Row;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.cost.InvocationUsage;
import io.fnscope.cost.Provider;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Function measures from the roll-ups ({@code function_hour} for whole hours, {@code function_minute} for the
 * minutes at a range's ends), never from spans: the functions view,
 * one function's timeseries, and memory right-sizing priced with the cost module.
 */
public final class FunctionStore {
    static final int MIN_MEMORY_MB = 128;
    static final int MAX_MEMORY_MB = 10_240;
    static final int MEMORY_STEP_MB = 64;

    private final QuerySql sql;
    private final InvocationPricer pricer;
    private final double headroom;

    FunctionStore(QuerySql sql, InvocationPricer pricer, double headroom) {
        this.sql = sql;
        this.pricer = pricer;
        this.headroom = headroom;
    }

    /** The roll-up's measures of one function (over the range or one bucket), as the statements name them. */
    public record Measures(String function, String service, String provider, String region, String architecture,
                    long invocations, long errors, long timeouts, long coldStarts, double durationMsSum,
                    long billedMsSum, double gbSeconds, BigDecimal costUsd, Integer memoryMb, Long maxMemoryUsedMb,
                    List<Number> durationQ, List<Number> initQ, List<Number> memoryQ) {

        static Measures map(Row r, boolean perFunction) {
            int memory = r.getInt("f_memory_mb");
            long maxUsed = r.getLong("f_max_memory_used_mb");
            return new Measures(perFunction ? r.getString("function") : null,
                    perFunction ? r.getString("f_service") : null, perFunction ? r.getString("f_provider") : null,
                    perFunction ? r.getString("f_region") : null, perFunction ? r.getString("f_architecture") : null,
                    r.getLong("f_invocations"), r.getLong("f_errors"), r.getLong("f_timeouts"),
                    r.getLong("f_cold_starts"), r.getDouble("f_duration_ms_sum"), r.getLong("f_billed_ms_sum"),
                    r.getDouble("f_gb_seconds"), Money.of(r.getBigDecimal("f_cost_usd")), memory == 0 ? null : memory,
                    maxUsed == 0 ? null : maxUsed, r.getList("f_duration_q"), r.getList("f_init_q"),
                    r.getList("f_memory_q"));
        }

        public Double rate(long part) {
            return invocations == 0 ? null : (double) part / invocations;
        }
    }

    /** Per function over the range: also what the alert evaluator reads (budgets, rates, runaway cost). */
    public List<Measures> measures(String tenant, TimeRange range) {
        Instant[] hours = wholeHours(range);
        return sql.query("select_function_stats", Map.of("tenant", tenant, "from", range.from(), "to", range.to(),
                "hour_from", hours[0], "hour_to", hours[1]), r -> Measures.map(r, true));
    }

    /**
     * The whole hours inside the range, [first, end), read from the hourly roll-up; the minutes before and after
     * come from the per-minute one. Empty (first = end) when the range holds no whole hour.
     */
    static Instant[] wholeHours(TimeRange range) {
        long from = range.from().getEpochSecond() + (range.from().getNano() > 0 ? 1 : 0);
        long first = Math.ceilDiv(from, 3600L) * 3600;
        long end = Math.max(first, Math.floorDiv(range.to().getEpochSecond(), 3600L) * 3600);
        return new Instant[] {Instant.ofEpochSecond(first), Instant.ofEpochSecond(end)};
    }

    FunctionView.Page functions(String tenant, TimeRange range) {
        List<FunctionView> out = new ArrayList<>();
        long invocations = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (Measures m : measures(tenant, range)) {
            out.add(view(m, range.to()));
            invocations += m.invocations();
            cost = cost.add(m.costUsd());
        }
        return new FunctionView.Page(Times.iso(range.from()), Times.iso(range.to()), invocations, Money.of(cost), out);
    }

    FunctionView.Series timeseries(String tenant, String function, TimeRange range, long stepSeconds) {
        long origin = range.from().getEpochSecond() / 60 * 60;
        Map<Long, Measures> byBucket = new HashMap<>();
        sql.query("select_function_timeseries", Map.of("tenant", tenant, "function", function, "from", range.from(),
                "to", range.to(), "origin", origin, "step", stepSeconds), r -> {
            byBucket.put(r.getLong("bucket"), Measures.map(r, false));
            return null;
        });
        List<FunctionView.Point> points = new ArrayList<>();
        for (long b = 0; b < buckets(range, stepSeconds); b++) {
            Measures m = byBucket.get(b);
            String time = Times.iso(Instant.ofEpochSecond(origin + b * stepSeconds));
            if (m == null) {
                points.add(new FunctionView.Point(time, 0, 0, null, 0, 0, null, FunctionView.Quantiles.of(null),
                        FunctionView.Quantiles.of(null), null, 0, BigDecimal.ZERO, null, null, null));
            } else {
                points.add(new FunctionView.Point(time, m.invocations(), m.errors(), m.rate(m.errors()), m.timeouts(),
                        m.coldStarts(), m.rate(m.coldStarts()), FunctionView.Quantiles.of(m.initQ()),
                        FunctionView.Quantiles.of(m.durationQ()), average(m), m.gbSeconds(), m.costUsd(),
                        Money.divide(m.costUsd(), m.invocations()), m.memoryMb(), m.maxMemoryUsedMb()));
            }
        }
        return new FunctionView.Series(function, Times.iso(range.from()), Times.iso(range.to()), stepSeconds, points);
    }

    /** Buckets of {@code step} seconds from {@code from} rounded down to the minute until {@code to}. */
    static long buckets(TimeRange range, long stepSeconds) {
        long origin = range.from().getEpochSecond() / 60 * 60;
        long to = range.to().getEpochSecond() + (range.to().getNano() > 0 ? 1 : 0);
        return Math.max(0, (to - origin + stepSeconds - 1) / stepSeconds);
    }

    private FunctionView view(Measures m, Instant at) {
        FunctionView.Quantiles memoryQ = FunctionView.Quantiles.of(m.memoryQ());
        FunctionView.Memory memory = new FunctionView.Memory(m.memoryMb(), m.maxMemoryUsedMb(), memoryQ.p95(),
                m.memoryMb() == null || m.maxMemoryUsedMb() == null ? null
                        : (double) m.maxMemoryUsedMb() / m.memoryMb());
        return new FunctionView(m.function(), emptyToNull(m.service()), emptyToNull(m.provider()),
                emptyToNull(m.region()), emptyToNull(m.architecture()), m.invocations(), m.errors(),
                m.rate(m.errors()), m.timeouts(), m.coldStarts(), m.rate(m.coldStarts()),
                FunctionView.Quantiles.of(m.initQ()), FunctionView.Quantiles.of(m.durationQ()), average(m),
                m.gbSeconds(), m.costUsd(), Money.divide(m.costUsd(), m.invocations()), memory,
                rightSizing(m, at));
    }

    /**
     * A memory size that fits: the highest memory used plus the headroom, rounded up to 64 MB, within Lambda's
     * 128–10,240 MB; suggested when it differs from the configured size. Its effect prices the range's billed
     * duration at both sizes with the cost module (the duration is assumed unchanged, though on Lambda CPU follows
     * memory: the basis says so). AWS Lambda only: Azure bills the memory used, Cloud Run also prices vCPU.
     */
    FunctionView.RightSizing rightSizing(Measures m, Instant at) {
        if (Provider.parse(m.provider()) != Provider.AWS || m.memoryMb() == null || m.maxMemoryUsedMb() == null
                || m.billedMsSum() <= 0) {
            return null;
        }
        long wanted = (long) Math.ceil(m.maxMemoryUsedMb() * (1 + headroom));
        int recommended = (int) Math.min(MAX_MEMORY_MB,
                Math.max(MIN_MEMORY_MB, (wanted + MEMORY_STEP_MB - 1) / MEMORY_STEP_MB * MEMORY_STEP_MB));
        if (recommended == m.memoryMb()) {
            return null;
        }
        InvocationUsage usage = InvocationUsage.builder(m.provider(), m.region())
                .architecture(emptyToNull(m.architecture()))
                .memoryMb(m.memoryMb())
                .billedDurationMs(m.billedMsSum())
                .startEpochMs(at.toEpochMilli())
                .build();
        double current = pricer.price(usage).totalUsd();
        double proposed = pricer.priceAtMemory(usage, recommended).totalUsd();
        String basis = "highest memory used " + m.maxMemoryUsedMb() + " MB + " + Math.round(headroom * 100)
                + "% headroom, rounded up to " + MEMORY_STEP_MB + " MB; effect = the same " + m.billedMsSum()
                + " billed ms at " + recommended + " MB instead of " + m.memoryMb()
                + " MB (CPU follows memory on Lambda, so measure the duration after the change)";
        return new FunctionView.RightSizing(m.memoryMb(), recommended, Money.of(proposed - current), basis);
    }

    private static Double average(Measures m) {
        return m.invocations() == 0 ? null : m.durationMsSum() / m.invocations();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
