package io.fnscope.cost;

/** Where the duration of an {@link InvocationUsage} came from; decides rounding and whether the cost is exact. */
public enum DurationSource {
    /**
     * The provider's own billed duration (Lambda {@code platform.report metrics.billedDurationMs}): used as is,
     * no rounding or minimum applied.
     */
    BILLED,
    /**
     * A raw duration measured by the platform (Lambda {@code metrics.durationMs}): rounded up per the provider's
     * rule (step and minimum); the cost counts as exact.
     */
    REPORTED,
    /**
     * The duration of the invocation's server span: rounded per the provider's rule like {@link #REPORTED}, but the
     * span only approximates what the platform bills, so the cost is flagged {@link CostFlag#DURATION_FROM_SPAN}.
     */
    SPAN
}
