package io.fnscope.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * A function timeseries request, checked: the function name, a time range, and a step of whole minutes (the
 * roll-up's resolution) giving at most {@code fnscope.query.max-points} buckets. Without a step: the smallest whole
 * number of minutes that gives at most 60 buckets.
 */
record TimeseriesQuery(String function, TimeRange range, long stepSeconds) {
    static final int DEFAULT_POINTS = 60;
    private static final Set<String> KNOWN = Set.of("from", "to", "step");

    static TimeseriesQuery parse(String function, Params p, Instant now, QuerySettings settings) {
        p.allowOnly(KNOWN);
        if (function == null || function.isBlank()) {
            throw new BadRequestException("the function name in the path is empty");
        }
        TimeRange range = TimeRange.parse(p.get("from"), p.get("to"), now, settings.defaultRange(),
                settings.maxRange(), "fnscope.query.max-range");
        Duration step = p.duration("step", "s");
        long stepSeconds;
        if (step == null) {
            long minutes = Math.max(1, (range.length().toSeconds() + 60L * DEFAULT_POINTS - 1) / (60L * DEFAULT_POINTS));
            stepSeconds = minutes * 60;
        } else {
            if (step.isZero() || step.isNegative() || step.toNanos() % 60_000_000_000L != 0) {
                throw new BadRequestException("parameter 'step' must be a whole number of minutes (1m, 5m, 1h, PT15M),"
                        + " the resolution of the roll-up, got '" + p.get("step") + "'");
            }
            stepSeconds = step.toSeconds();
        }
        long buckets = FunctionStore.buckets(range, stepSeconds);
        if (buckets > settings.maxPoints()) {
            throw new BadRequestException("step " + TimeRange.human(Duration.ofSeconds(stepSeconds)) + " over "
                    + TimeRange.human(range.length()) + " gives " + buckets + " points, more than"
                    + " fnscope.query.max-points (" + settings.maxPoints() + "); use a step of at least "
                    + TimeRange.human(Duration.ofSeconds(minimumStep(range, settings.maxPoints()))));
        }
        return new TimeseriesQuery(function, range, stepSeconds);
    }

    private static long minimumStep(TimeRange range, int maxPoints) {
        for (long minutes = 1; ; minutes++) {
            if (FunctionStore.buckets(range, minutes * 60) <= maxPoints) {
                return minutes * 60;
            }
        }
    }
}
