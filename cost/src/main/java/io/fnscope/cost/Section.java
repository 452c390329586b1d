package io.fnscope.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A YAML mapping of a catalog file being validated, with the path that leads to it, so every error names the file,
 * the entry and the field ({@code duration.tiers[0].price}) and says what was expected instead of what was found.
 */
final class Section {
    /** Where a section sits: the file (and how it was configured) and the entry, if any. */
    record Where(String origin, String entry) {
    }

    private final Map<String, Object> map;
    private final String path;
    private final Where where;

    Section(Map<String, Object> map, String path, Where where) {
        this.map = map;
        this.path = path;
        this.where = where;
    }

    Where where() {
        return where;
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    PricingCatalogException error(String key, String problem) {
        return errorAt(where, field(key), problem);
    }

    static PricingCatalogException errorAt(Where where, String field, String problem) {
        StringBuilder sb = new StringBuilder("Pricing catalog ").append(where.origin()).append(": ");
        if (where.entry() != null) {
            sb.append(where.entry()).append(", ");
        }
        if (field != null) {
            sb.append("field '").append(field).append("': ");
        }
        return new PricingCatalogException(sb.append(problem).toString());
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    /** Rejects keys outside {@code known}: a misspelt key would otherwise be silently ignored. */
    void allowOnly(Set<String> known) {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                throw error(key, "unknown field; the fields allowed here are "
                        + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    void forbid(String key, String why) {
        if (map.containsKey(key)) {
            throw error(key, "not allowed here: " + why);
        }
    }

    String string(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw error(key, "required, missing");
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw error(key, "expected a non-empty text, got " + describe(v));
        }
        return s.trim();
    }

    String string(String key, Pattern pattern, String expected) {
        Object v = map.get(key);
        if (v instanceof Number || v instanceof Boolean) {
            v = String.valueOf(v);
        }
        if (v == null) {
            throw error(key, "required, missing: write " + expected);
        }
        if (!(v instanceof String s) || !pattern.matcher(s.trim()).matches()) {
            throw error(key, "expected " + expected + ", got " + describe(v));
        }
        return s.trim();
    }

    String optString(String key) {
        return has(key) ? string(key) : null;
    }

    boolean optBoolean(String key, boolean dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw error(key, "expected true or false, got " + describe(v));
        }
        return b;
    }

    /** A required number within [min, max]. Accepts YAML numbers and numeric text (with _ separators). */
    double number(String key, double min, double max, String unit) {
        Object v = map.get(key);
        if (v == null) {
            throw error(key, "required, missing: write a number " + range(min, max) + unit);
        }
        double d = toDouble(v);
        if (Double.isNaN(d) || d < min || d > max) {
            throw error(key, "expected a number " + range(min, max) + unit + ", got " + describe(v));
        }
        return d;
    }

    double optNumber(String key, double dflt, double min, double max, String unit) {
        return has(key) ? number(key, min, max, unit) : dflt;
    }

    int integer(String key, long min, long max, String unit) {
        Object v = map.get(key);
        if (v == null) {
            throw error(key, "required, missing: write a whole number " + range(min, max) + unit);
        }
        double d = toDouble(v);
        if (Double.isNaN(d) || d != Math.rint(d) || d < min || d > max) {
            throw error(key, "expected a whole number " + range(min, max) + unit + ", got " + describe(v));
        }
        return (int) d;
    }

    int optInteger(String key, int dflt, long min, long max, String unit) {
        return has(key) ? integer(key, min, max, unit) : dflt;
    }

    /** A date (UTC midnight) or an instant: {@code 2025-08-01} or {@code 2025-08-01T00:00:00Z}. */
    Instant date(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw error(key, "required, missing: write a date like 2025-08-01 (UTC)");
        }
        Instant at = toInstant(v);
        if (at == null) {
            throw error(key, "expected a date like 2025-08-01 (UTC) or an instant like 2025-08-01T00:00:00Z, got "
                    + describe(v));
        }
        return at;
    }

    static Instant toInstant(Object v) {
        if (v instanceof Date d) {
            return d.toInstant();
        }
        if (v instanceof String s) {
            try {
                return LocalDate.parse(s.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                try {
                    return Instant.parse(s.trim());
                } catch (DateTimeParseException notAnInstant) {
                    return null;
                }
            }
        }
        return null;
    }

    /** A non-empty list of non-blank texts; a single text is taken as a list of one. */
    List<String> strings(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw error(key, "required, missing: write a list like [a, b]");
        }
        if (v instanceof String s && !s.isBlank()) {
            return List.of(s.trim());
        }
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw error(key, "expected a non-empty text or list of texts like [a, b], got " + describe(v));
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item instanceof Number n) {
                item = String.valueOf(n);
            }
            if (!(item instanceof String s) || s.isBlank()) {
                throw errorAt(where, field(key) + "[" + i + "]", "expected a non-empty text, got " + describe(item));
            }
            out.add(s.trim());
        }
        return out;
    }

    Section section(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw error(key, "required, missing");
        }
        return asSection(v, field(key));
    }

    Section optSection(String key) {
        return has(key) ? section(key) : null;
    }

    /** A required non-empty list of mappings. */
    List<Section> sections(String key) {
        Object v = map.get(key);
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw error(key, v == null ? "required, missing: write a list of mappings"
                    : "expected a non-empty list of mappings, got " + describe(v));
        }
        List<Section> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(asSection(list.get(i), field(key) + "[" + i + "]"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Section asSection(Object v, String at) {
        if (!(v instanceof Map<?, ?> m)) {
            throw errorAt(where, at, "expected a mapping (key: value lines), got " + describe(v));
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw errorAt(where, at, "keys must be text, got " + describe(k));
            }
        }
        return new Section((Map<String, Object>) m, at, where);
    }

    /**
     * The {@code source} of this block (a text or a list of texts), or {@code dflt} when absent. Built-in entries must
     * cite https pages; an override file may also cite a contract ("ACME agreement 2026-03").
     */
    List<String> sources(List<String> dflt, boolean urlsOnly) {
        if (!has("source")) {
            if (dflt == null) {
                throw error("source", "required, missing: cite where the figures come from"
                        + (urlsOnly ? " (an https:// page)" : " (a page or a contract)"));
            }
            return dflt;
        }
        List<String> sources = strings("source");
        if (urlsOnly) {
            for (String s : sources) {
                if (!s.startsWith("https://")) {
                    throw error("source", "expected the https:// address of the page the figures come from, got \""
                            + s + "\"");
                }
            }
        }
        return sources;
    }

    static double toDouble(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : Double.NaN;
        }
        if (v instanceof String s) {
            try {
                return new BigDecimal(s.trim().replace("_", "")).doubleValue();
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    static String describe(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof String s) {
            return "\"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
        }
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        if (v instanceof Date d) {
            return d.toInstant().toString();
        }
        return String.valueOf(v);
    }

    private static String range(double min, double max) {
        String lo = plain(min);
        if (max >= Integer.MAX_VALUE) {
            return ">= " + lo;
        }
        return "from " + lo + " to " + plain(max);
    }

    static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d)
                : BigDecimal.valueOf(d).toPlainString();
    }
}
