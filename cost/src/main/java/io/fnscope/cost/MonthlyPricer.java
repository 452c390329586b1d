package io.fnscope.cost;

/**
 * Prices a month's totals with the volume tiers and the free tier, which per-invocation costs leave out. Use it for
 * a monthly estimate or to compare with a bill: sum the usage of one bucket (Lambda tiers apply per account,
 * architecture and region; free tiers per account or billing account, across regions: apply the free tier to one
 * bucket only) and price it here.
 *
 * <p>Each unit is charged at the price of the tier its position in the month falls in; the free allowance is the
 * month's first units. On-demand usage only: Lambda's free tier and tiers do not cover provisioned concurrency.
 */
public final class MonthlyPricer {
    /**
     * A month's totals for one bucket.
     *
     * @param provider          {@code aws}, {@code azure}, {@code gcp} (or an OTel platform name)
     * @param region            the region (picks the entry like {@link InvocationPricer} does)
     * @param architecture      Lambda architecture; null = x86_64
     * @param monthStartEpochMs first instant of the month (picks the entry in effect); 0 = latest entry
     * @param requests          requests (executions) in the month
     * @param gbSeconds         Lambda and Azure: GB-s of duration (billed memory GB × billed seconds)
     * @param vcpuSeconds       Cloud Run: vCPU-s
     * @param gibSeconds        Cloud Run: GiB-s
     * @param applyFreeTier     deduct the monthly free allowance
     */
    public record MonthlyUsage(String provider, String region, String architecture, long monthStartEpochMs,
                               long requests, double gbSeconds, double vcpuSeconds, double gibSeconds,
                               boolean applyFreeTier) {
    }

    /**
     * @param requestUsd     requests after the free allowance
     * @param computeUsd     duration through the tiers (Cloud Run: vCPU-s plus GiB-s) after the free allowance
     * @param totalUsd       the sum
     * @param catalogVersion the catalog that priced it
     * @param entryId        the entry that priced it, null when unpriced
     * @param flags          {@link CostFlag} bits for the fallbacks taken
     */
    public record MonthlyCost(double requestUsd, double computeUsd, double totalUsd, String catalogVersion,
                              String entryId, int flags) {
    }

    private final PricingCatalog catalog;

    public MonthlyPricer(PricingCatalog catalog) {
        this.catalog = catalog;
    }

    public MonthlyCost price(MonthlyUsage m) {
        Provider provider = Provider.parse(m.provider());
        if (provider == null) {
            return new MonthlyCost(0, 0, 0, catalog.version(), null, CostFlag.UNPRICED.bit());
        }
        int flags = 0;
        Architecture arch = Architecture.parse(m.architecture());
        if (arch == null) {
            arch = Architecture.X86_64;
            if (provider == Provider.AWS) {
                flags |= CostFlag.ARCHITECTURE_DEFAULTED.bit();
            }
        }
        long at = m.monthStartEpochMs() > 0 ? m.monthStartEpochMs() : Long.MAX_VALUE;
        long match = catalog.lookup(provider, m.region(), arch, at);
        if (match == PricingCatalog.NO_ENTRY) {
            return new MonthlyCost(0, 0, 0, catalog.version(), null, flags | CostFlag.UNPRICED.bit());
        }
        PriceEntry e = catalog.entry(match);
        flags |= PricingCatalog.flags(match);
        double requestUsd = e.requests().monthlyCost(m.requests(), m.applyFreeTier());
        double computeUsd = provider == Provider.GCP
                ? e.cpu().monthlyCost(m.vcpuSeconds(), m.applyFreeTier())
                        + e.memoryTime().monthlyCost(m.gibSeconds(), m.applyFreeTier())
                : e.duration().monthlyCost(m.gbSeconds(), m.applyFreeTier());
        return new MonthlyCost(requestUsd, computeUsd, requestUsd + computeUsd, catalog.version(), e.id(), flags);
    }
}
