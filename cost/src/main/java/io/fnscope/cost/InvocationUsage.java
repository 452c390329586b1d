package io.fnscope.cost;

/**
 * What one function invocation used: the input of {@link InvocationPricer#price}. Unknown values are written as
 * zero (or null for strings) and never make pricing fail: the pricer falls back to documented defaults and flags the
 * result ({@link CostFlag}).
 *
 * <p>Memory sizes are in MB of 1,048,576 bytes (what Lambda calls MB, Cloud Run MiB; OTel {@code faas.max_memory}
 * divided by 1,048,576).
 *
 * @param provider           OTel {@code cloud.provider} or {@code cloud.platform} ({@code aws}, {@code azure},
 *                           {@code gcp}, {@code aws_lambda}, ...); see {@link Provider#parse}
 * @param region             OTel {@code cloud.region} ({@code us-east-1}, {@code eastus}, {@code us-central1})
 * @param architecture       {@code x86_64}/{@code amd64} or {@code arm64}; null = unknown (x86_64 is assumed on AWS)
 * @param memoryMb           configured memory (Lambda, Cloud Run) or measured memory (Azure: the consumption plan
 *                           bills the memory an execution used); 0 = unknown
 * @param durationMs         the invocation's duration in ms; what it is depends on {@code durationSource}
 * @param durationSource     whether {@code durationMs} is already billed, a platform measure, or a span's length
 * @param initDurationMs     init (cold start) duration in ms; 0 on a warm start
 * @param initBilling        how init is charged; {@link InitBilling#AUTO} lets the catalog decide by date
 * @param startEpochMs       start time (epoch ms): picks the catalog entry in effect; 0 = unknown (latest entry)
 * @param provisioned        the invocation ran on provisioned concurrency (Lambda: duration at the provisioned rate)
 * @param ephemeralStorageMb Lambda's configured {@code /tmp} size; 0 = unknown or default (512 MB, free)
 * @param vcpu               Cloud Run vCPUs of the instance; 0 = unknown (taken from the memory table, flagged)
 * @param concurrency        Cloud Run: requests the instance served at once while serving this one; 0 or 1 = alone
 */
public record InvocationUsage(
        String provider,
        String region,
        String architecture,
        int memoryMb,
        double durationMs,
        DurationSource durationSource,
        double initDurationMs,
        InitBilling initBilling,
        long startEpochMs,
        boolean provisioned,
        int ephemeralStorageMb,
        double vcpu,
        int concurrency) {

    /** The same usage at another memory size: what the right-sizing helper prices. */
    public InvocationUsage withMemoryMb(int mb) {
        return new InvocationUsage(provider, region, architecture, mb, durationMs, durationSource, initDurationMs,
                initBilling, startEpochMs, provisioned, ephemeralStorageMb, vcpu, concurrency);
    }

    /** The same usage on another architecture. */
    public InvocationUsage withArchitecture(String arch) {
        return new InvocationUsage(provider, region, arch, memoryMb, durationMs, durationSource, initDurationMs,
                initBilling, startEpochMs, provisioned, ephemeralStorageMb, vcpu, concurrency);
    }

    public static Builder builder(String provider, String region) {
        return new Builder(provider, region);
    }

    /** Readable construction for tests and the query API; the writer may call the canonical constructor. */
    public static final class Builder {
        private final String provider;
        private final String region;
        private String architecture;
        private int memoryMb;
        private double durationMs;
        private DurationSource durationSource = DurationSource.REPORTED;
        private double initDurationMs;
        private InitBilling initBilling = InitBilling.AUTO;
        private long startEpochMs;
        private boolean provisioned;
        private int ephemeralStorageMb;
        private double vcpu;
        private int concurrency = 1;

        private Builder(String provider, String region) {
            this.provider = provider;
            this.region = region;
        }

        public Builder architecture(String v) {
            architecture = v;
            return this;
        }

        public Builder memoryMb(int v) {
            memoryMb = v;
            return this;
        }

        /** A duration the provider already billed ({@link DurationSource#BILLED}). */
        public Builder billedDurationMs(long v) {
            durationMs = v;
            durationSource = DurationSource.BILLED;
            return this;
        }

        /** A raw duration measured by the platform ({@link DurationSource#REPORTED}). */
        public Builder reportedDurationMs(double v) {
            durationMs = v;
            durationSource = DurationSource.REPORTED;
            return this;
        }

        /** A raw duration taken from the invocation's span ({@link DurationSource#SPAN}). */
        public Builder spanDurationMs(double v) {
            durationMs = v;
            durationSource = DurationSource.SPAN;
            return this;
        }

        public Builder initDurationMs(double v) {
            initDurationMs = v;
            return this;
        }

        public Builder initBilling(InitBilling v) {
            initBilling = v;
            return this;
        }

        public Builder startEpochMs(long v) {
            startEpochMs = v;
            return this;
        }

        public Builder provisioned(boolean v) {
            provisioned = v;
            return this;
        }

        public Builder ephemeralStorageMb(int v) {
            ephemeralStorageMb = v;
            return this;
        }

        public Builder vcpu(double v) {
            vcpu = v;
            return this;
        }

        public Builder concurrency(int v) {
            concurrency = v;
            return this;
        }

        public InvocationUsage build() {
            return new InvocationUsage(provider, region, architecture, memoryMb, durationMs, durationSource,
                    initDurationMs, initBilling, startEpochMs, provisioned, ephemeralStorageMb, vcpu, concurrency);
        }
    }
}
