package io.fnscope.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A trace search, checked: traces with at least one span in {@code [from, to)} that matches <em>every</em> given
 * filter (one span must match all of them, as in Jaeger and Zipkin), newest first.
 *
 * @param range       the time range; with a cursor, the cursor's
 * @param service     the span's {@code service.name}
 * @param function    the span's function ({@code faas.name})
 * @param spanName    the span's name
 * @param minDuration the span lasted at least this long
 * @param maxDuration the span lasted at most this long
 * @param error       true: the span has status error; false: it has not
 * @param attributes  {@code attr.<key>=<value>}: the span's attribute {@code key} equals {@code value} (its string
 *                    form, as stored); uses the bloom-filter index on span attribute values
 * @param resource    {@code resource.<key>=<value>}: the span's resource attribute {@code key} equals {@code value}
 *                    ({@code deployment.environment}, {@code cloud.region}...); not indexed, so it scans the window:
 *                    combine it with an indexed filter where you can
 * @param limit       traces per page
 * @param cursor      where this page starts, null for the first
 */
record TraceQuery(TimeRange range, String service, String function, String spanName, Duration minDuration,
                  Duration maxDuration, Boolean error, Map<String, String> attributes, Map<String, String> resource,
                  int limit, Cursor cursor) {
    static final String ATTRIBUTE_PREFIX = "attr.";
    static final String RESOURCE_PREFIX = "resource.";
    static final int MAX_ATTRIBUTES = 16;
    private static final Set<String> KNOWN = Set.of("from", "to", "service", "function", "name", "minDuration",
            "maxDuration", "error", "limit", "cursor");

    static TraceQuery parse(Params p, Instant now, QuerySettings settings) {
        p.allowOnly(KNOWN, ATTRIBUTE_PREFIX, RESOURCE_PREFIX);
        String service = blankToNull(p.get("service"));
        String function = blankToNull(p.get("function"));
        String name = blankToNull(p.get("name"));
        Duration min = p.duration("minDuration", "ms");
        Duration max = p.duration("maxDuration", "ms");
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw new BadRequestException("minDuration (" + min.toNanos() / 1e6 + " ms) is more than maxDuration ("
                    + max.toNanos() / 1e6 + " ms)");
        }
        Boolean error = p.bool("error");
        Map<String, String> attributes = equalities(p, ATTRIBUTE_PREFIX, "attr.http.route=/checkout");
        Map<String, String> resource = equalities(p, RESOURCE_PREFIX, "resource.deployment.environment=prod");
        if (attributes.size() + resource.size() > MAX_ATTRIBUTES) {
            throw new BadRequestException("at most " + MAX_ATTRIBUTES + " attr.<key> and resource.<key> filters per"
                    + " search, got " + (attributes.size() + resource.size()));
        }
        int limit = p.integer("limit", settings.defaultLimit(), 1, settings.maxLimit(), "fnscope.query.max-limit");

        String cursorText = p.get("cursor");
        Cursor cursor = null;
        TimeRange range;
        long fingerprint = Cursor.fingerprint(canonical(service, function, name, min, max, error, attributes, resource));
        if (cursorText != null && !cursorText.isBlank()) {
            cursor = Cursor.decode(cursorText);
            if (cursor.fingerprint() != fingerprint) {
                throw new BadRequestException("parameter 'cursor' belongs to a search with other filters; repeat this"
                        + " search without a cursor");
            }
            range = new TimeRange(TimeRange.ofNanos(cursor.fromNs()), TimeRange.ofNanos(cursor.toNs()));
            checkSame("from", p.get("from"), range.from());
            checkSame("to", p.get("to"), range.to());
        } else {
            range = TimeRange.parse(p.get("from"), p.get("to"), now, settings.defaultRange(),
                    settings.maxSearchRange(), "fnscope.query.max-search-range");
        }
        return new TraceQuery(range, service, function, name, min, max, error, attributes, resource, limit, cursor);
    }

    long fingerprint() {
        return Cursor.fingerprint(canonical(service, function, spanName, minDuration, maxDuration, error, attributes,
                resource));
    }

    private static Map<String, String> equalities(Params p, String prefix, String example) {
        Map<String, String> out = new TreeMap<>();
        p.withPrefix(prefix).forEach((k, v) -> {
            if (k.isEmpty()) {
                throw new BadRequestException("parameter '" + prefix + "' has no key; write " + prefix
                        + "<key>=<value>, e.g. " + example);
            }
            if (v == null || v.isEmpty()) {
                throw new BadRequestException("parameter '" + prefix + k + "' has no value; write " + prefix + k
                        + "=<value>");
            }
            out.put(k, v);
        });
        return out;
    }

    private static void checkSame(String parameter, String given, Instant cursorValue) {
        if (given != null && !given.isBlank() && !TimeRange.instant(parameter, given).equals(cursorValue)) {
            throw new BadRequestException("parameter '" + parameter + "' differs from the cursor's range ("
                    + cursorValue + "); a cursor continues the search it came from, so omit " + parameter
                    + " or repeat the search without a cursor");
        }
    }

    private static String canonical(String service, String function, String name, Duration min, Duration max,
                                    Boolean error, Map<String, String> attributes, Map<String, String> resource) {
        return "service=" + service + "\nfunction=" + function + "\nname=" + name + "\nmin=" + min + "\nmax=" + max
                + "\nerror=" + error + "\nattributes=" + new TreeMap<>(attributes) + "\nresource="
                + new TreeMap<>(resource);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
