package io.fnscope.cost;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One catalog entry: the prices of one provider, for some regions and architectures, from a date on. Immutable; built
 * and validated by the catalog loader. Units: USD; memory in MB of 1,048,576 bytes; GB = MB / 1024.
 *
 * <p>The hot-path figures are copied into primitive fields so pricing an invocation reads no collection.
 */
public final class PriceEntry {
    /** Which file an entry came from; an override entry wins over a built-in one (docs/pricing.md). */
    public enum Layer { BUILT_IN, OVERRIDE }

    /** Duration rounding: charged time = max(minimum, ceil(duration / step) × step). */
    public record Billing(long stepMs, long minimumMs) {
    }

    /** Memory rules: unknown → {@code defaultMb}; rounded up to {@code stepMb}; clamped to min..max. */
    public record Memory(int defaultMb, int minMb, int maxMb, int stepMb) {
    }

    /**
     * Lambda provisioned concurrency: {@code capacityPerGbS} is charged per GB-s while concurrency is provisioned
     * (a per-time charge of the function, not of any invocation); {@code durationPerGbS} replaces the on-demand
     * duration price for invocations served by provisioned environments.
     */
    public record Provisioned(double capacityPerGbS, double durationPerGbS) {
    }

    /** Lambda ephemeral storage: GB-s of configured storage above {@code includedMb}, over the billed duration. */
    public record Storage(int includedMb, double perGbS) {
    }

    /** Cloud Run functions' default vCPU by memory: the vCPU of the first row whose memory is at least the given. */
    public record VcpuRow(int memoryMb, double vcpu) {
    }

    /** {@link #initBilledFromMs()} when init is always billed. */
    public static final long INIT_ALWAYS = Long.MIN_VALUE;
    /** {@link #initBilledFromMs()} when init is never billed. */
    public static final long INIT_NEVER = Long.MAX_VALUE;

    private final String id;
    private final Provider provider;
    private final List<String> regions;
    private final Set<Architecture> architectures;
    private final Instant effectiveFrom;
    private final Layer layer;
    private final String origin;
    private final Billing billing;
    private final Memory memory;
    private final TieredRate requests;
    private final TieredRate duration;
    private final TieredRate cpu;
    private final TieredRate memoryTime;
    private final Provisioned provisioned;
    private final Storage storage;
    private final List<VcpuRow> vcpuTable;
    private final Map<String, List<String>> sources;

    // Hot-path copies of the figures above.
    final long effectiveFromMs;
    final boolean coversX86;
    final boolean coversArm;
    final long stepMs;
    final long minimumMs;
    final int defaultMemoryMb;
    final int minMemoryMb;
    final int maxMemoryMb;
    final int memoryStepMb;
    final double requestUsd;
    final double durationPerGbS;
    final double cpuPerVcpuS;
    final double memoryPerGibS;
    final double provisionedDurationPerGbS;
    final int storageIncludedMb;
    final double storagePerGbS;
    final long initBilledFromMs;
    final boolean sharesInstanceCost;
    private final int[] vcpuMemoryMb;
    private final double[] vcpuByRow;

    PriceEntry(String id, Provider provider, List<String> regions, Set<Architecture> architectures,
               Instant effectiveFrom, Layer layer, String origin, Billing billing, Memory memory,
               TieredRate requests, TieredRate duration, TieredRate cpu, TieredRate memoryTime,
               Provisioned provisioned, Storage storage, long initBilledFromMs, List<VcpuRow> vcpuTable,
               boolean sharesInstanceCost, Map<String, List<String>> sources) {
        this.id = id;
        this.provider = provider;
        this.regions = List.copyOf(regions);
        this.architectures = Set.copyOf(architectures);
        this.effectiveFrom = effectiveFrom;
        this.layer = layer;
        this.origin = origin;
        this.billing = billing;
        this.memory = memory;
        this.requests = requests;
        this.duration = duration;
        this.cpu = cpu;
        this.memoryTime = memoryTime;
        this.provisioned = provisioned;
        this.storage = storage;
        this.vcpuTable = vcpuTable == null ? List.of() : List.copyOf(vcpuTable);
        this.sources = Map.copyOf(sources);

        this.effectiveFromMs = effectiveFrom.toEpochMilli();
        this.coversX86 = architectures.contains(Architecture.X86_64);
        this.coversArm = architectures.contains(Architecture.ARM64);
        this.stepMs = billing.stepMs();
        this.minimumMs = billing.minimumMs();
        this.defaultMemoryMb = memory.defaultMb();
        this.minMemoryMb = memory.minMb();
        this.maxMemoryMb = memory.maxMb();
        this.memoryStepMb = memory.stepMb();
        this.requestUsd = requests.listPrice();
        this.durationPerGbS = duration == null ? 0 : duration.listPrice();
        this.cpuPerVcpuS = cpu == null ? 0 : cpu.listPrice();
        this.memoryPerGibS = memoryTime == null ? 0 : memoryTime.listPrice();
        this.provisionedDurationPerGbS = provisioned == null ? Double.NaN : provisioned.durationPerGbS();
        this.storageIncludedMb = storage == null ? 0 : storage.includedMb();
        this.storagePerGbS = storage == null ? 0 : storage.perGbS();
        this.initBilledFromMs = initBilledFromMs;
        this.sharesInstanceCost = sharesInstanceCost;
        this.vcpuMemoryMb = this.vcpuTable.stream().mapToInt(VcpuRow::memoryMb).toArray();
        this.vcpuByRow = this.vcpuTable.stream().mapToDouble(VcpuRow::vcpu).toArray();
    }

    public String id() {
        return id;
    }

    public Provider provider() {
        return provider;
    }

    /** Regions as written, lower case; {@code *} = any region no other entry lists. */
    public List<String> regions() {
        return regions;
    }

    public Set<Architecture> architectures() {
        return architectures;
    }

    public Instant effectiveFrom() {
        return effectiveFrom;
    }

    public Layer layer() {
        return layer;
    }

    /** The file this entry came from (for messages and the API). */
    public String origin() {
        return origin;
    }

    public Billing billing() {
        return billing;
    }

    public Memory memory() {
        return memory;
    }

    /** USD per request (the catalog file writes it per million). */
    public TieredRate requests() {
        return requests;
    }

    /** USD per GB-s of on-demand duration (Lambda, Azure); null on Cloud Run. */
    public TieredRate duration() {
        return duration;
    }

    /** USD per vCPU-s (Cloud Run); null elsewhere. */
    public TieredRate cpu() {
        return cpu;
    }

    /** USD per GiB-s (Cloud Run); null elsewhere. */
    public TieredRate memoryTime() {
        return memoryTime;
    }

    /** Provisioned-concurrency prices, or null when the entry has none. */
    public Provisioned provisioned() {
        return provisioned;
    }

    /** Ephemeral-storage price, or null when the entry has none. */
    public Storage storage() {
        return storage;
    }

    /** Epoch ms from which init is billed; {@link #INIT_ALWAYS} or {@link #INIT_NEVER}. */
    public long initBilledFromMs() {
        return initBilledFromMs;
    }

    public List<VcpuRow> vcpuTable() {
        return vcpuTable;
    }

    /** Cloud Run: the instance's compute cost is shared by the requests it serves at once. */
    public boolean sharesInstanceCost() {
        return sharesInstanceCost;
    }

    /** Source pages by block ({@code entry}, {@code duration}, {@code init}, ...). */
    public Map<String, List<String>> sources() {
        return sources;
    }

    boolean covers(Architecture arch) {
        return arch == Architecture.ARM64 ? coversArm : coversX86;
    }

    /** Default vCPU for a memory size: the first row with at least that memory; the last row above the table. */
    double vcpuFor(int memoryMb) {
        for (int i = 0; i < vcpuMemoryMb.length; i++) {
            if (vcpuMemoryMb[i] >= memoryMb) {
                return vcpuByRow[i];
            }
        }
        return vcpuByRow.length == 0 ? 1 : vcpuByRow[vcpuByRow.length - 1];
    }

    @Override
    public String toString() {
        return "PriceEntry[" + id + " " + provider.id() + " " + regions + " " + architectures + " from "
                + effectiveFrom + " (" + layer + ", " + origin + ")]";
    }
}
