package io.fnscope.cost;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a cost is an estimate rather than the provider's exact charge. A cost with no flag is exact (to the list
 * price); every flag marks it estimated. Flags are bits of {@link InvocationCost#flags()} so pricing a row allocates
 * nothing for them; store the int as is (ClickHouse {@code UInt16}) and name them with {@link #names(int)}.
 *
 * <p>Bit values are part of the stored data: never renumber, only add.
 */
public enum CostFlag {
    /** The duration came from a trace span, not from the platform's report. */
    DURATION_FROM_SPAN(0),
    /** No positive duration was known: only the request (and init, if any) is priced. */
    DURATION_MISSING(1),
    /** Memory was unknown; the catalog entry's {@code memory.default-mb} was used. */
    MEMORY_DEFAULTED(2),
    /** Memory was outside the entry's {@code memory.min-mb}..{@code max-mb}; it was clamped into the range. */
    MEMORY_OUT_OF_RANGE(3),
    /** The architecture was missing or unknown on a provider that prices by it; x86_64 was assumed. */
    ARCHITECTURE_DEFAULTED(4),
    /**
     * The region is not listed by any built-in entry: a built-in {@code *} entry (the provider's default prices,
     * us-east-1 for AWS) priced it. A {@code *} entry of the user's override file does not set this flag: writing it
     * says the rate holds everywhere.
     */
    REGION_FALLBACK(5),
    /** No entry covers the architecture in this region; another entry of the provider priced it. */
    ARCHITECTURE_FALLBACK(6),
    /** The invocation started before every matching entry's {@code effective-from}; the earliest one was used. */
    BEFORE_CATALOG(7),
    /** The start time was unknown; the latest entry was used. */
    START_TIME_MISSING(8),
    /** Cloud Run: vCPU was unknown and taken from the entry's memory-to-vCPU table. */
    VCPU_FROM_MEMORY(9),
    /**
     * Cloud Run with concurrency above 1: the instance's compute cost was divided by the concurrency, which assumes
     * the instance served that many requests during the whole of this one.
     */
    SHARED_INSTANCE(10),
    /**
     * A provisioned-concurrency invocation whose entry has no provisioned-concurrency prices: priced at the
     * on-demand duration rate instead.
     */
    PROVISIONED_RATE_MISSING(11),
    /** The provider is not one fnscope prices (or the catalog has no entry for it): every amount is zero. */
    UNPRICED(12);

    private final int bit;

    CostFlag(int position) {
        this.bit = 1 << position;
    }

    /** This flag's bit in {@link InvocationCost#flags()}. */
    public int bit() {
        return bit;
    }

    public boolean in(int flags) {
        return (flags & bit) != 0;
    }

    /** The names of the flags set in {@code flags}, in bit order (for the API and logs; allocates). */
    public static List<String> names(int flags) {
        List<String> names = new ArrayList<>();
        for (CostFlag f : values()) {
            if (f.in(flags)) {
                names.add(f.name());
            }
        }
        return names;
    }
}
