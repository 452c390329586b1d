package io.fnscope.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/** One function's measures over a time range (or one bucket of a timeseries). */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "A function's invocations, errors, cold starts, latency, memory and cost over a time range.")
record FunctionView(
        String function,
        String service,
        String provider,
        String region,
        String architecture,
        long invocations,
        long errors,
        @Schema(description = "errors / invocations (timeouts count as errors); null without invocations") Double errorRate,
        long timeouts,
        long coldStarts,
        Double coldStartRate,
        @Schema(description = "init (cold start) duration quantiles, ms, from the platform reports") Quantiles initDurationMs,
        @Schema(description = "duration quantiles, ms (platform report, else span)") Quantiles durationMs,
        Double averageDurationMs,
        @Schema(description = "billed GB-seconds (billed duration × configured memory)") double billedGbSeconds,
        BigDecimal costUsd,
        BigDecimal costPerInvocationUsd,
        Memory memory,
        @Schema(description = "a memory size that fits the memory used, with its cost effect; null when none applies")
        RightSizing rightSizing) {

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Quantiles(Double p50, Double p95, Double p99) {
        /** From ClickHouse's quantilesTDigest array (Float32: t-digest keeps centroids in single precision). */
        static Quantiles of(List<? extends Number> q) {
            if (q == null || q.size() < 3) {
                return new Quantiles(null, null, null);
            }
            return new Quantiles(clean(q.get(0)), clean(q.get(1)), clean(q.get(2)));
        }

        private static Double clean(Number n) {
            if (n == null) {
                return null;
            }
            double v = n instanceof Float f ? Double.parseDouble(f.toString()) : n.doubleValue();
            return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
        }
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Memory(@Schema(description = "configured memory, MB") Integer configuredMb,
                  @Schema(description = "highest memory used by one invocation, MB") Long maxUsedMb,
                  @Schema(description = "95th percentile of memory used, MB") Double usedP95Mb,
                  @Schema(description = "maxUsedMb / configuredMb") Double maxUsedRatio) {
    }

    /**
     * @param recommendedMb memory size suggested: the highest memory used plus {@code fnscope.query.right-sizing-headroom},
     *                      rounded up to 64 MB, at least 128 MB
     * @param effectUsd     cost at the recommended size minus cost at the configured size, over the same range and
     *                      the same billed durations (negative = saving)
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record RightSizing(int currentMb, int recommendedMb, BigDecimal effectUsd, String basis) {
    }

    /** The functions view: every function with invocations in the range, by cost. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Page(String from, String to, long invocations, BigDecimal costUsd, List<FunctionView> functions) {
    }

    /** One function's measures per time bucket; buckets without invocations are zeros. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Series(String function, String from, String to, long stepSeconds, List<Point> points) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Point(String time, long invocations, long errors, Double errorRate, long timeouts, long coldStarts,
                 Double coldStartRate, Quantiles initDurationMs, Quantiles durationMs, Double averageDurationMs,
                 double billedGbSeconds, BigDecimal costUsd, BigDecimal costPerInvocationUsd, Integer memoryMb,
                 Long maxMemoryUsedMb) {
    }
}
