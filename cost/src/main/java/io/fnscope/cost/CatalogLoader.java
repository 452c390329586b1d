package io.fnscope.cost;

import io.fnscope.cost.PriceEntry.Layer;
import io.fnscope.cost.Section.Where;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the built-in catalog and the user's override file, merges them and validates every entry. The format and
 * the merge rules are documented in docs/pricing.md; every rule enforced here produces a message that names the file,
 * the entry and the field.
 */
final class CatalogLoader {
    static final String BUILT_IN_RESOURCE = "io/fnscope/cost/pricing-catalog.yaml";
    static final String BUILT_IN_ORIGIN = "classpath:" + BUILT_IN_RESOURCE + " (built in)";
    static final String SETTING = "fnscope.cost.catalog-file";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    private static final String ID_HINT = "an id of letters, digits, '.', '_' and '-' (e.g. aws-lambda-x86_64)";
    private static final String VERSION_HINT = "a version of letters, digits, '.', '_', '+' and '-' (e.g. 2026.11.0)";
    private static final Set<String> BUILT_IN_KEYS = Set.of("version", "entries");
    private static final Set<String> OVERRIDE_KEYS = Set.of("version", "mode", "entries");
    private static final Set<String> ENTRY_KEYS = Set.of("id", "extends", "note", "provider", "regions",
            "architectures", "effective-from", "source", "billing", "memory", "requests", "duration", "cpu",
            "memory-time", "vcpu-by-memory", "init", "provisioned-concurrency", "ephemeral-storage",
            "shares-instance-cost");
    /** Upper bounds that catch unit mistakes (a price per hour where per second was meant), not real limits. */
    private static final double MAX_UNIT_PRICE = 1.0;
    private static final double MAX_PER_MILLION = 1000.0;
    private static final long MAX_MB = 1L << 20;

    private record RawEntry(int position, Map<String, Object> map, String origin, Layer layer, boolean urlsOnly) {
        Where where() {
            Object id = map.get("id");
            return new Where(origin, "entry #" + position + (id instanceof String s ? " (id '" + s + "')" : ""));
        }
    }

    private record RawFile(String origin, String version, boolean replace, List<RawEntry> entries) {
    }

    private CatalogLoader() {
    }

    /** The built-in catalog, merged with (or replaced by) {@code overrideFile} when it is not null. */
    static PricingCatalog load(Path overrideFile) {
        String builtIn = readBuiltIn();
        if (overrideFile == null) {
            return load(builtIn, BUILT_IN_ORIGIN, null, null);
        }
        String origin = overrideFile + " (" + SETTING + ")";
        String text;
        try {
            text = Files.readString(overrideFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PricingCatalogException("Pricing catalog " + origin + " does not exist. Fix the path, or unset "
                    + SETTING + " (FNSCOPE_COST_CATALOG_FILE) to use the built-in list prices.", e);
        } catch (IOException e) {
            throw new PricingCatalogException("Pricing catalog " + origin + " cannot be read (" + e + "). Make it"
                    + " readable by fnscope, or unset " + SETTING + " to use the built-in list prices.", e);
        }
        return load(builtIn, BUILT_IN_ORIGIN, text, origin);
    }

    /** Parses catalogs from text: {@code overrideText} may be null (built-in prices only). */
    static PricingCatalog load(String builtInText, String builtInOrigin, String overrideText, String overrideOrigin) {
        RawFile builtIn = parse(builtInText, builtInOrigin, Layer.BUILT_IN);
        if (overrideText == null) {
            return new PricingCatalog(builtIn.version(), toEntries(builtIn.entries()));
        }
        RawFile user = parse(overrideText, overrideOrigin, Layer.OVERRIDE);
        List<RawEntry> merged = merge(builtIn, user);
        String version = user.replace() ? user.version() : builtIn.version() + "+" + user.version();
        return new PricingCatalog(version, toEntries(merged));
    }

    private static String readBuiltIn() {
        try (InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(BUILT_IN_RESOURCE)) {
            if (in == null) {
                throw new PricingCatalogException("Pricing catalog " + BUILT_IN_ORIGIN + " is missing from the"
                        + " classpath: the fnscope-cost jar is incomplete; rebuild it.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PricingCatalogException("Pricing catalog " + BUILT_IN_ORIGIN + " cannot be read: " + e, e);
        }
    }

    private static RawFile parse(String text, String origin, Layer layer) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw new PricingCatalogException("Pricing catalog " + origin + " is not valid YAML: "
                    + e.getMessage().replaceAll("\\s+", " ").trim(), e);
        }
        Where where = new Where(origin, null);
        if (!(doc instanceof Map<?, ?>)) {
            throw Section.errorAt(where, null, "expected a mapping with 'version' and 'entries' at the top, got "
                    + Section.describe(doc));
        }
        @SuppressWarnings("unchecked")
        Section top = new Section((Map<String, Object>) doc, "", where);
        top.allowOnly(layer == Layer.OVERRIDE ? OVERRIDE_KEYS : BUILT_IN_KEYS);
        String version = top.string("version", VERSION, VERSION_HINT);
        boolean replace = false;
        if (layer == Layer.OVERRIDE && top.has("mode")) {
            switch (top.string("mode")) {
                case "merge" -> replace = false;
                case "replace" -> replace = true;
                default -> throw top.error("mode", "expected 'merge' (your entries win over the built-in ones,"
                        + " which stay as fallback) or 'replace' (only your entries are used), got "
                        + Section.describe(top.raw("mode")));
            }
        }
        Object list = top.raw("entries");
        if (!(list instanceof List<?> items) || (items.isEmpty() && (layer == Layer.BUILT_IN || replace))) {
            throw top.error("entries", list == null ? "required, missing: write a list of price entries"
                    : "expected a non-empty list of price entries, got " + Section.describe(list));
        }
        List<RawEntry> entries = new ArrayList<>(items.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof Map<?, ?> m)) {
                throw Section.errorAt(new Where(origin, "entry #" + (i + 1)), null,
                        "expected a mapping (id, provider, regions, ...), got " + Section.describe(item));
            }
            @SuppressWarnings("unchecked")
            RawEntry raw = new RawEntry(i + 1, new LinkedHashMap<>((Map<String, Object>) m), origin, layer,
                    layer == Layer.BUILT_IN);
            Section s = new Section(raw.map(), "", raw.where());
            String id = s.string("id", ID, ID_HINT);
            if (!ids.add(id)) {
                throw s.error("id", "another entry of this file already has id '" + id + "': ids must be unique");
            }
            if (layer == Layer.BUILT_IN) {
                s.forbid("extends", "only an override file extends built-in entries");
            }
            entries.add(raw);
        }
        return new RawFile(origin, version, replace, entries);
    }

    /**
     * Override rules: an override entry with the id of a built-in entry replaces it; {@code extends: <built-in id>}
     * starts from a copy of that built-in entry's fields (top-level fields of the override replace the copied ones
     * whole); {@code mode: replace} drops every built-in entry not extended.
     */
    private static List<RawEntry> merge(RawFile builtIn, RawFile user) {
        Map<String, RawEntry> builtById = new LinkedHashMap<>();
        for (RawEntry e : builtIn.entries()) {
            builtById.put((String) e.map().get("id"), e);
        }
        Set<String> userIds = new HashSet<>();
        List<RawEntry> users = new ArrayList<>();
        for (RawEntry e : user.entries()) {
            userIds.add((String) e.map().get("id"));
            Section s = new Section(e.map(), "", e.where());
            if (!s.has("extends")) {
                users.add(e);
                continue;
            }
            String baseId = s.string("extends");
            RawEntry base = builtById.get(baseId);
            if (base == null) {
                throw s.error("extends", "no built-in entry has id '" + baseId + "'; the built-in ids are "
                        + String.join(", ", builtById.keySet()));
            }
            Map<String, Object> merged = new LinkedHashMap<>(base.map());
            merged.putAll(e.map());
            merged.remove("extends");
            users.add(new RawEntry(e.position(), merged, e.origin(), Layer.OVERRIDE, false));
        }
        List<RawEntry> out = new ArrayList<>();
        if (!user.replace()) {
            for (RawEntry e : builtIn.entries()) {
                if (!userIds.contains((String) e.map().get("id"))) {
                    out.add(e);
                }
            }
        }
        out.addAll(users);
        return out;
    }

    private static List<PriceEntry> toEntries(List<RawEntry> raws) {
        List<PriceEntry> entries = new ArrayList<>(raws.size());
        for (RawEntry raw : raws) {
            PriceEntry entry = toEntry(raw);
            for (PriceEntry other : entries) {
                String clash = clash(other, entry);
                if (clash != null) {
                    throw Section.errorAt(raw.where(), null, "prices the same " + clash + " as entry '" + other.id()
                            + "' (" + other.origin() + ") from the same effective-from " + entry.effectiveFrom()
                            + ": which one applies would be ambiguous. Give one a later effective-from, or other"
                            + " regions or architectures.");
                }
            }
            entries.add(entry);
        }
        return entries;
    }

    /** Two entries of one layer that would price the same invocation from the same date; null when none. */
    private static String clash(PriceEntry a, PriceEntry b) {
        if (a.layer() != b.layer() || a.provider() != b.provider() || !a.effectiveFrom().equals(b.effectiveFrom())) {
            return null;
        }
        for (String region : a.regions()) {
            if (!b.regions().contains(region)) {
                continue;
            }
            for (Architecture arch : a.architectures()) {
                if (b.architectures().contains(arch)) {
                    return a.provider().id() + " region '" + region + "' and architecture " + arch.id();
                }
            }
        }
        return null;
    }

    private static PriceEntry toEntry(RawEntry raw) {
        Section e = new Section(raw.map(), "", raw.where());
        e.allowOnly(ENTRY_KEYS);
        boolean urlsOnly = raw.urlsOnly();
        String id = e.string("id", ID, ID_HINT);
        e.optString("note");
        Provider provider = switch (e.string("provider")) {
            case "aws" -> Provider.AWS;
            case "azure" -> Provider.AZURE;
            case "gcp" -> Provider.GCP;
            default -> throw e.error("provider", "expected aws, azure or gcp (the billing models fnscope knows),"
                    + " got " + Section.describe(e.raw("provider")));
        };
        List<String> regions = new ArrayList<>();
        for (String r : e.strings("regions")) {
            regions.add(PricingCatalog.normalizeRegion(r));
        }
        Set<Architecture> archs = architectures(e, provider);
        Instant from = e.date("effective-from");
        List<String> entrySources = e.sources(null, urlsOnly);
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sources.put("entry", entrySources);

        Section b = e.section("billing");
        b.allowOnly(Set.of("step-ms", "minimum-ms", "source"));
        PriceEntry.Billing billing = new PriceEntry.Billing(
                b.integer("step-ms", 1, 3_600_000, " (ms)"),
                b.optInteger("minimum-ms", 0, 0, 3_600_000, " (ms)"));
        sources.put("billing", b.sources(entrySources, urlsOnly));

        Section m = e.section("memory");
        m.allowOnly(Set.of("default-mb", "min-mb", "max-mb", "step-mb", "source"));
        int minMb = m.integer("min-mb", 1, MAX_MB, " (MB)");
        int maxMb = m.integer("max-mb", minMb, MAX_MB, " (MB, at least min-mb)");
        int stepMb = m.optInteger("step-mb", 1, 1, MAX_MB, " (MB)");
        int defaultMb = m.integer("default-mb", minMb, maxMb, " (MB, within min-mb..max-mb)");
        PriceEntry.Memory memory = new PriceEntry.Memory(defaultMb, minMb, maxMb, stepMb);
        sources.put("memory", m.sources(entrySources, urlsOnly));

        Section rq = e.section("requests");
        rq.allowOnly(Set.of("per-million", "free-per-month", "source"));
        double perMillion = rq.number("per-million", 0, MAX_PER_MILLION, " (USD per 1M requests)");
        double freeRequests = rq.optNumber("free-per-month", 0, 0, Double.MAX_VALUE, " (requests)");
        List<String> requestSources = rq.sources(entrySources, urlsOnly);
        sources.put("requests", requestSources);
        TieredRate requests = TieredRate.flat(perMillion / 1_000_000.0, freeRequests, requestSources);

        TieredRate duration = null;
        TieredRate cpu = null;
        TieredRate memoryTime = null;
        if (provider == Provider.GCP) {
            e.forbid("duration", "Cloud Run is priced by 'cpu' (vCPU-s) and 'memory-time' (GiB-s)");
            cpu = rate(e.section("cpu"), "USD per vCPU-second", entrySources, urlsOnly, sources, "cpu");
            memoryTime = rate(e.section("memory-time"), "USD per GiB-second", entrySources, urlsOnly, sources,
                    "memory-time");
        } else {
            String why = provider.id() + " is priced by 'duration' (GB-s)";
            e.forbid("cpu", why);
            e.forbid("memory-time", why);
            duration = rate(e.section("duration"), "USD per GB-second", entrySources, urlsOnly, sources, "duration");
        }

        long initFrom = PriceEntry.INIT_NEVER;
        Section init = e.optSection("init");
        if (init != null) {
            init.allowOnly(Set.of("billed-from", "source"));
            Object v = init.raw("billed-from");
            if ("always".equals(v)) {
                initFrom = PriceEntry.INIT_ALWAYS;
            } else if (!"never".equals(v)) {
                Instant at = v == null ? null : Section.toInstant(v);
                if (at == null) {
                    throw init.error("billed-from", "expected a date like 2025-08-01 (init is billed for"
                            + " invocations starting then or later), 'always' or 'never', got " + Section.describe(v));
                }
                initFrom = at.toEpochMilli();
            }
            sources.put("init", init.sources(entrySources, urlsOnly));
        }

        PriceEntry.Provisioned provisioned = null;
        PriceEntry.Storage storage = null;
        if (provider == Provider.AWS) {
            Section pc = e.optSection("provisioned-concurrency");
            if (pc != null) {
                pc.allowOnly(Set.of("capacity-per-gb-s", "duration-per-gb-s", "source"));
                provisioned = new PriceEntry.Provisioned(
                        pc.number("capacity-per-gb-s", 0, MAX_UNIT_PRICE, " (USD per GB-second provisioned)"),
                        pc.number("duration-per-gb-s", 0, MAX_UNIT_PRICE, " (USD per GB-second of duration)"));
                sources.put("provisioned-concurrency", pc.sources(entrySources, urlsOnly));
            }
            Section st = e.optSection("ephemeral-storage");
            if (st != null) {
                st.allowOnly(Set.of("included-mb", "per-gb-s", "source"));
                storage = new PriceEntry.Storage(
                        st.integer("included-mb", 0, MAX_MB, " (MB)"),
                        st.number("per-gb-s", 0, MAX_UNIT_PRICE, " (USD per GB-second)"));
                sources.put("ephemeral-storage", st.sources(entrySources, urlsOnly));
            }
        } else {
            String why = "only AWS Lambda has it";
            e.forbid("provisioned-concurrency", why);
            e.forbid("ephemeral-storage", why);
        }

        List<PriceEntry.VcpuRow> vcpuTable = null;
        if (provider == Provider.GCP) {
            Section v = e.section("vcpu-by-memory");
            v.allowOnly(Set.of("table", "source"));
            vcpuTable = new ArrayList<>();
            int previous = 0;
            for (Section row : v.sections("table")) {
                row.allowOnly(Set.of("memory-mb", "vcpu"));
                int mb = row.integer("memory-mb", previous + 1, MAX_MB, " (MB, above the previous row's)");
                vcpuTable.add(new PriceEntry.VcpuRow(mb, row.number("vcpu", 0.001, 1024, " (vCPU)")));
                previous = mb;
            }
            sources.put("vcpu-by-memory", v.sources(entrySources, urlsOnly));
        } else {
            e.forbid("vcpu-by-memory", "only Cloud Run prices vCPU");
        }
        boolean shares = e.optBoolean("shares-instance-cost", false);

        return new PriceEntry(id, provider, regions, archs, from, raw.layer(), raw.origin(), billing, memory,
                requests, duration, cpu, memoryTime, provisioned, storage, initFrom, vcpuTable, shares, sources);
    }

    private static Set<Architecture> architectures(Section e, Provider provider) {
        if (!e.has("architectures")) {
            if (provider == Provider.AWS) {
                throw e.error("architectures", "required, missing: AWS Lambda prices duration by architecture;"
                        + " write [x86_64], [arm64] or [\"*\"]");
            }
            return EnumSet.allOf(Architecture.class);
        }
        Set<Architecture> archs = EnumSet.noneOf(Architecture.class);
        List<String> names = e.strings("architectures");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).toLowerCase(Locale.ROOT);
            if (name.equals("*")) {
                archs.addAll(EnumSet.allOf(Architecture.class));
                continue;
            }
            Architecture a = Architecture.parse(name);
            if (a == null) {
                throw Section.errorAt(e.where(), e.field("architectures") + "[" + i + "]",
                        "expected x86_64, arm64 or \"*\", got \"" + names.get(i) + "\"");
            }
            archs.add(a);
        }
        return archs;
    }

    /** A price block: {@code price} or {@code tiers}, {@code free-per-month}, {@code source}. */
    private static TieredRate rate(Section s, String unit, List<String> entrySources, boolean urlsOnly,
                                   Map<String, List<String>> sources, String block) {
        s.allowOnly(Set.of("price", "tiers", "free-per-month", "source"));
        double free = s.optNumber("free-per-month", 0, 0, Double.MAX_VALUE, " (units per month)");
        List<String> blockSources = s.sources(entrySources, urlsOnly);
        sources.put(block, blockSources);
        if (s.has("price") == s.has("tiers")) {
            throw s.error(s.has("price") ? "tiers" : "price", "write either 'price' (one " + unit
                    + " figure) or 'tiers' (a list of {up-to, price}), not " + (s.has("price") ? "both" : "neither"));
        }
        if (s.has("price")) {
            return TieredRate.flat(s.number("price", 0, MAX_UNIT_PRICE, " (" + unit + ")"), free, blockSources);
        }
        List<Section> tiers = s.sections("tiers");
        double[] upTo = new double[tiers.size()];
        double[] price = new double[tiers.size()];
        double previous = 0;
        for (int i = 0; i < tiers.size(); i++) {
            Section t = tiers.get(i);
            t.allowOnly(Set.of("up-to", "price"));
            price[i] = t.number("price", 0, MAX_UNIT_PRICE, " (" + unit + ")");
            if (i == tiers.size() - 1) {
                t.forbid("up-to", "the last tier has no end; remove its 'up-to'");
                upTo[i] = Double.POSITIVE_INFINITY;
            } else {
                upTo[i] = t.number("up-to", 0, Double.MAX_VALUE,
                        " (cumulative units per month where this tier ends)");
                if (upTo[i] <= previous) {
                    throw t.error("up-to", "tiers must be in ascending order: this tier ends at "
                            + Section.plain(upTo[i]) + ", not above where the previous one ends ("
                            + Section.plain(previous) + ")");
                }
                previous = upTo[i];
            }
        }
        return new TieredRate(upTo, price, free, blockSources);
    }
}
