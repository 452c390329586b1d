package io.fnscope.cost;

import java.util.OptionalDouble;

/**
 * The list-price cost of one invocation: the writer's hot path (one call per invocation row) and the query API's
 * right-sizing helper. Plain Java, immutable, thread-safe; pricing allocates only the result and never throws on
 * bad or missing input: it falls back to documented defaults and flags the result (see {@link CostFlag}).
 *
 * <h2>Formulas (docs/pricing.md has them with examples)</h2>
 * <pre>
 * GB = billed memory MB / 1024                       (MB and GiB of 1,048,576 bytes alike)
 * billed ms = max(minimum-ms, ceil(duration / step-ms) × step-ms)   unless the provider's billed duration is given
 * AWS:   request + GB × s × duration price (provisioned rate when provisioned) + init + extra storage
 *        init    = ceil(init ms) × same rate, when billed (from 2025-08-01, or when the caller says so)
 *        storage = (ephemeral MB − 512) / 1024 × (billed + billed init s) × storage price
 * Azure: request + GB × s × price; memory rounded up to 128 MB; 100 ms minimum
 * GCP:   request + (vCPU × s × cpu price + GiB × s × memory price) / concurrency; 100 ms steps; init (startup)
 *        at the same rates, not shared
 * </pre>
 * Unit prices are the first (list) tier; free tiers are not applied ({@link MonthlyPricer} applies both to a month).
 */
public final class InvocationPricer {
    private final PricingCatalog catalog;
    private final InvocationCost unknownProvider;

    public InvocationPricer(PricingCatalog catalog) {
        this.catalog = catalog;
        this.unknownProvider = InvocationCost.unpriced(catalog.version(), 0);
    }

    public PricingCatalog catalog() {
        return catalog;
    }

    /** The cost of one invocation at list price. Never throws; unknown provider → zero cost flagged UNPRICED. */
    public InvocationCost price(InvocationUsage u) {
        Provider provider = Provider.parse(u.provider());
        if (provider == null) {
            return unknownProvider;
        }
        int flags = 0;
        Architecture arch = Architecture.parse(u.architecture());
        if (arch == null) {
            arch = Architecture.X86_64;
            if (provider == Provider.AWS) {
                flags |= CostFlag.ARCHITECTURE_DEFAULTED.bit();
            }
        }
        long start = u.startEpochMs();
        if (start <= 0) {
            start = Long.MAX_VALUE; // the latest entry
            flags |= CostFlag.START_TIME_MISSING.bit();
        }
        long match = catalog.lookup(provider, u.region(), arch, start);
        if (match == PricingCatalog.NO_ENTRY) {
            return InvocationCost.unpriced(catalog.version(), flags);
        }
        PriceEntry e = catalog.entry(match);
        flags |= PricingCatalog.flags(match);

        // Memory: unknown → default; round up to the step (Azure: 128 MB); clamp into min..max.
        int memoryMb = u.memoryMb();
        if (memoryMb <= 0) {
            memoryMb = e.defaultMemoryMb;
            flags |= CostFlag.MEMORY_DEFAULTED.bit();
        }
        long stepMb = e.memoryStepMb;
        long roundedMb = (memoryMb + stepMb - 1) / stepMb * stepMb;
        if (roundedMb < e.minMemoryMb) {
            roundedMb = e.minMemoryMb;
            flags |= CostFlag.MEMORY_OUT_OF_RANGE.bit();
        } else if (roundedMb > e.maxMemoryMb) {
            roundedMb = e.maxMemoryMb;
            flags |= CostFlag.MEMORY_OUT_OF_RANGE.bit();
        }
        int billedMemoryMb = (int) roundedMb;

        // Duration.
        double rawMs = u.durationMs();
        long billedMs;
        DurationSource source = u.durationSource();
        if (!(rawMs > 0) || rawMs == Double.POSITIVE_INFINITY) {
            billedMs = 0;
            flags |= CostFlag.DURATION_MISSING.bit();
        } else if (source == DurationSource.BILLED) {
            billedMs = (long) Math.ceil(rawMs);
        } else {
            billedMs = Math.max(e.minimumMs, roundUp(rawMs, e.stepMs));
            if (source != DurationSource.REPORTED) {
                flags |= CostFlag.DURATION_FROM_SPAN.bit(); // SPAN, or a null source: the weaker assumption
            }
        }

        // Init.
        double initRaw = u.initDurationMs();
        long billedInitMs = 0;
        if (initRaw > 0 && initRaw != Double.POSITIVE_INFINITY) {
            InitBilling initBilling = u.initBilling() == null ? InitBilling.AUTO : u.initBilling();
            switch (initBilling) {
                case AUTO -> {
                    if (start >= e.initBilledFromMs) {
                        billedInitMs = roundUp(initRaw, e.stepMs);
                    }
                }
                case BILLED -> billedInitMs = roundUp(initRaw, e.stepMs);
                case NOT_BILLED -> billedInitMs = 0;
                case INCLUDED_IN_BILLED_DURATION -> {
                    billedInitMs = Math.min(roundUp(initRaw, e.stepMs), billedMs);
                    billedMs -= billedInitMs;
                }
            }
        }

        // Rate per billed ms.
        double gb = billedMemoryMb / 1024.0;
        double vcpu = 0;
        double usdPerMs;
        if (provider == Provider.GCP) {
            vcpu = u.vcpu();
            if (!(vcpu > 0)) {
                vcpu = e.vcpuFor(billedMemoryMb);
                flags |= CostFlag.VCPU_FROM_MEMORY.bit();
            }
            usdPerMs = (vcpu * e.cpuPerVcpuS + gb * e.memoryPerGibS) / 1000.0;
        } else {
            double perGbS = e.durationPerGbS;
            if (u.provisioned()) {
                if (e.provisionedDurationPerGbS >= 0) {
                    perGbS = e.provisionedDurationPerGbS;
                } else {
                    flags |= CostFlag.PROVISIONED_RATE_MISSING.bit();
                }
            }
            usdPerMs = gb * perGbS / 1000.0;
        }
        double computeUsd = billedMs * usdPerMs;
        double initUsd = billedInitMs * usdPerMs;
        if (e.sharesInstanceCost && u.concurrency() > 1) {
            computeUsd /= u.concurrency();
            flags |= CostFlag.SHARED_INSTANCE.bit();
        }

        double storageUsd = 0;
        int storageMb = u.ephemeralStorageMb();
        if (e.storagePerGbS > 0 && storageMb > e.storageIncludedMb) {
            storageUsd = (storageMb - e.storageIncludedMb) / 1024.0 * (billedMs + billedInitMs) / 1000.0
                    * e.storagePerGbS;
        }

        double requestUsd = e.requestUsd;
        return new InvocationCost(requestUsd + computeUsd + initUsd + storageUsd, requestUsd, computeUsd, initUsd,
                storageUsd, billedMs, billedInitMs, billedMemoryMb, vcpu, catalog.version(), e.id(), flags);
    }

    /**
     * Right-sizing: the same usage priced at another memory size, duration unchanged. Real durations usually change
     * with memory (Lambda and Cloud Run give CPU in proportion to memory), so present it as "at the same duration".
     * On Cloud Run a vCPU count taken from the memory table follows the new memory; an explicit one stays.
     */
    public InvocationCost priceAtMemory(InvocationUsage usage, int memoryMb) {
        return price(usage.withMemoryMb(memoryMb));
    }

    /**
     * The per-time part of Lambda provisioned concurrency, which belongs to the function, not to any invocation:
     * memory GB × provisioned environments × seconds provisioned × the capacity price. AWS rounds the provisioned
     * period up to 5 minutes; pass the rounded seconds.
     *
     * @return USD, or empty when the provider is unknown or its entry has no provisioned-concurrency prices
     */
    public OptionalDouble provisionedCapacityUsd(String provider, String region, String architecture, int memoryMb,
                                                 int environments, double seconds, long atEpochMs) {
        Provider p = Provider.parse(provider);
        if (p == null) {
            return OptionalDouble.empty();
        }
        Architecture arch = Architecture.parse(architecture);
        PriceEntry e = catalog.find(p, region, arch == null ? Architecture.X86_64 : arch,
                atEpochMs <= 0 ? Long.MAX_VALUE : atEpochMs);
        if (e == null || e.provisioned() == null) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(memoryMb / 1024.0 * environments * seconds * e.provisioned().capacityPerGbS());
    }

    /** ceil(ms / step) × step, for a positive raw duration. */
    private static long roundUp(double ms, long step) {
        return (long) Math.ceil(ms / step) * step;
    }
}
