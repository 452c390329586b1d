package io.fnscope.cost;

import java.util.List;

/**
 * The list-price cost of one invocation in USD, split into its components, with the billed quantities it was
 * computed from and how sure it is.
 *
 * <p>{@code totalUsd = requestUsd + computeUsd + initUsd + storageUsd}. Free tiers and volume tiers are not applied:
 * they are monthly, per account, and cannot be attributed to one invocation (see {@link MonthlyPricer}).
 *
 * @param totalUsd         everything below, summed
 * @param requestUsd       the per-request (per-execution) fee
 * @param computeUsd       duration: GB-s (Lambda, Azure) or vCPU-s + GiB-s (Cloud Run, divided by concurrency)
 * @param initUsd          the billed init (cold start) duration at the same rate as {@code computeUsd}
 * @param storageUsd       Lambda ephemeral storage above the free 512 MB
 * @param billedDurationMs the duration charged, after the provider's rounding and minimum (init excluded)
 * @param billedInitMs     the init duration charged (0 when init is free or the start was warm)
 * @param billedMemoryMb   the memory charged, after rounding (Azure: up to 128 MB) and clamping
 * @param vcpu             Cloud Run vCPUs charged (0 elsewhere)
 * @param catalogVersion   version of the catalog that priced it; store it with the row
 * @param entryId          id of the catalog entry that priced it (null when unpriced)
 * @param flags            {@link CostFlag} bits; 0 = exact
 */
public record InvocationCost(
        double totalUsd,
        double requestUsd,
        double computeUsd,
        double initUsd,
        double storageUsd,
        long billedDurationMs,
        long billedInitMs,
        int billedMemoryMb,
        double vcpu,
        String catalogVersion,
        String entryId,
        int flags) {

    /** True when any {@link CostFlag} is set: the amount is an estimate, not the provider's exact charge. */
    public boolean estimated() {
        return flags != 0;
    }

    public boolean has(CostFlag flag) {
        return flag.in(flags);
    }

    /** Names of the flags set, for the API (allocates). */
    public List<String> flagNames() {
        return CostFlag.names(flags);
    }

    /**
     * USD as a whole number of pico-dollars (10^-12 USD), rounded half up: the raw Int64 of a ClickHouse
     * {@code Decimal(18,12)} column (cost/RATIONALE.md explains the column type).
     */
    public static long picoUsd(double usd) {
        return Math.round(usd * 1e12);
    }

    static InvocationCost unpriced(String catalogVersion, int flags) {
        return new InvocationCost(0, 0, 0, 0, 0, 0, 0, 0, 0, catalogVersion, null, flags | CostFlag.UNPRICED.bit());
    }
}
