package io.fnscope.cost;

import io.fnscope.cost.PriceEntry.Layer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The price list: the built-in entries (public list prices, src/main/resources/io/fnscope/cost/pricing-catalog.yaml)
 * merged with the user's override file, indexed for the per-invocation lookup. Immutable and thread-safe.
 *
 * <h2>Which entry prices an invocation</h2>
 * Among the entries of the invocation's provider that cover its architecture, in this order of precedence:
 * <ol>
 *   <li>override entries before built-in ones (a negotiated rate beats the list price);</li>
 *   <li>within a layer, entries listing the region before {@code *} entries (the provider's default prices);</li>
 *   <li>within those, the latest {@code effective-from} at or before the invocation's start.</li>
 * </ol>
 * A region that no entry lists and no {@code *} entry covers falls back to all of the provider's entries. Every
 * fallback is flagged on the result ({@link CostFlag#REGION_FALLBACK}, {@link CostFlag#ARCHITECTURE_FALLBACK},
 * {@link CostFlag#BEFORE_CATALOG}); none throws.
 */
public final class PricingCatalog {
    /** A {@link #lookup} result meaning "no entry at all for this provider". */
    static final long NO_ENTRY = -1L;

    private final String version;
    private final List<PriceEntry> entries;
    private final PriceEntry[] all;
    private final ProviderIndex[] byProvider;

    /** Candidate entry indexes in precedence order, one group per (layer, exact-or-wildcard); flags per group. */
    private record Groups(int[][] ids, int[] flags) {
    }

    private record ProviderIndex(Map<String, Groups> byRegion, Groups unlisted) {
    }

    PricingCatalog(String version, List<PriceEntry> entries) {
        this.version = version;
        this.entries = List.copyOf(entries);
        this.all = entries.toArray(new PriceEntry[0]);
        this.byProvider = new ProviderIndex[Provider.values().length];
        for (Provider p : Provider.values()) {
            byProvider[p.ordinal()] = index(p);
        }
    }

    /** The built-in list prices only. */
    public static PricingCatalog builtIn() {
        return CatalogLoader.load(null);
    }

    /**
     * The built-in list prices merged with (or replaced by) {@code overrideFile}; null means built-in only.
     *
     * @throws PricingCatalogException naming the file, entry and field of the first problem found
     */
    public static PricingCatalog load(Path overrideFile) {
        return CatalogLoader.load(overrideFile);
    }

    /**
     * What every priced row records: the built-in version ({@code 2026.11.0}), {@code <built-in>+<override>} when an
     * override file is merged, or the override's own version when it replaces the built-in entries.
     */
    public String version() {
        return version;
    }

    public List<PriceEntry> entries() {
        return entries;
    }

    /**
     * The entry that prices an invocation of {@code provider} in {@code region} on {@code arch} starting at
     * {@code atEpochMs} (see the class comment), or null when the catalog has no entry for the provider.
     */
    public PriceEntry find(Provider provider, String region, Architecture arch, long atEpochMs) {
        long match = lookup(provider, region, arch, atEpochMs);
        return match == NO_ENTRY ? null : entry(match);
    }

    /**
     * Allocation-free lookup for the hot path: the entry's index in the low 32 bits and the {@link CostFlag} bits of
     * the fallbacks taken in the high 32 bits, or {@link #NO_ENTRY}.
     */
    long lookup(Provider provider, String region, Architecture arch, long at) {
        ProviderIndex index = byProvider[provider.ordinal()];
        if (index == null) {
            return NO_ENTRY;
        }
        Groups groups = region == null ? null : index.byRegion().get(normalizeRegion(region));
        if (groups == null) {
            groups = index.unlisted();
        }
        int[][] ids = groups.ids();
        int beforeId = -1;
        int beforeFlags = 0;
        for (int g = 0; g < ids.length; g++) {
            int earliest = -1;
            for (int id : ids[g]) {
                PriceEntry e = all[id];
                if (!e.covers(arch)) {
                    continue;
                }
                if (e.effectiveFromMs <= at) {
                    return pack(groups.flags()[g], id);
                }
                earliest = id; // groups are sorted latest first
            }
            if (earliest >= 0 && beforeId < 0) {
                beforeId = earliest;
                beforeFlags = groups.flags()[g] | CostFlag.BEFORE_CATALOG.bit();
            }
        }
        if (beforeId >= 0) {
            return pack(beforeFlags, beforeId);
        }
        // No entry covers this architecture here: price it with the provider's entry for another one.
        int arch2 = CostFlag.ARCHITECTURE_FALLBACK.bit();
        for (int g = 0; g < ids.length; g++) {
            for (int id : ids[g]) {
                if (all[id].effectiveFromMs <= at) {
                    return pack(groups.flags()[g] | arch2, id);
                }
            }
        }
        int[] first = ids[0];
        return pack(groups.flags()[0] | arch2 | CostFlag.BEFORE_CATALOG.bit(), first[first.length - 1]);
    }

    PriceEntry entry(long match) {
        return all[(int) match];
    }

    static int flags(long match) {
        return (int) (match >>> 32);
    }

    private static long pack(int flags, int id) {
        return ((long) flags << 32) | (id & 0xFFFFFFFFL);
    }

    /**
     * Region names compare in lower case without spaces ({@code East US} = {@code eastus}). Allocation-free for names
     * already in that form: {@code toLowerCase} returns the same string when nothing changes.
     */
    static String normalizeRegion(String region) {
        String r = region.toLowerCase(Locale.ROOT);
        return r.indexOf(' ') >= 0 ? r.replace(" ", "") : r;
    }

    private ProviderIndex index(Provider p) {
        List<Integer> mine = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (int i = 0; i < all.length; i++) {
            if (all[i].provider() == p) {
                mine.add(i);
                for (String r : all[i].regions()) {
                    if (!r.equals("*")) {
                        listed.add(r);
                    }
                }
            }
        }
        if (mine.isEmpty()) {
            return null;
        }
        int fallback = CostFlag.REGION_FALLBACK.bit();
        Map<String, Groups> byRegion = new HashMap<>();
        for (String region : listed) {
            List<int[]> ids = new ArrayList<>();
            List<Integer> flags = new ArrayList<>();
            add(ids, flags, select(mine, Layer.OVERRIDE, region), 0);
            add(ids, flags, select(mine, Layer.OVERRIDE, "*"), 0);
            add(ids, flags, select(mine, Layer.BUILT_IN, region), 0);
            add(ids, flags, select(mine, Layer.BUILT_IN, "*"), fallback);
            byRegion.put(region, groups(ids, flags));
        }
        List<int[]> ids = new ArrayList<>();
        List<Integer> flags = new ArrayList<>();
        // A "*" in the user's file is their statement that the rate holds everywhere: not flagged.
        add(ids, flags, select(mine, Layer.OVERRIDE, "*"), 0);
        add(ids, flags, select(mine, Layer.BUILT_IN, "*"), fallback);
        if (ids.isEmpty()) {
            add(ids, flags, select(mine, Layer.OVERRIDE, null), fallback);
            add(ids, flags, select(mine, Layer.BUILT_IN, null), fallback);
        }
        return new ProviderIndex(Map.copyOf(byRegion), groups(ids, flags));
    }

    /** Entry indexes of one layer listing {@code region} (null: any), latest effective-from first. */
    private int[] select(List<Integer> mine, Layer layer, String region) {
        return mine.stream()
                .filter(i -> all[i].layer() == layer && (region == null || all[i].regions().contains(region)))
                .sorted(Comparator.comparingLong((Integer i) -> all[i].effectiveFromMs).reversed())
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static void add(List<int[]> ids, List<Integer> flags, int[] group, int flag) {
        if (group.length > 0) {
            ids.add(group);
            flags.add(flag);
        }
    }

    private static Groups groups(List<int[]> ids, List<Integer> flags) {
        return new Groups(ids.toArray(new int[0][]), flags.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public String toString() {
        return "PricingCatalog[" + version + ", " + entries.size() + " entries]";
    }
}
