package io.fnscope.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trace search statement for one {@link TraceQuery}: {@code search_traces.sql} with one {@code AND} line per
 * filter the request gives, every value a parameter. Only given filters appear, so ClickHouse sees plain
 * comparisons it can use its indexes for (the bloom filter on span attribute values, the duration min-max index);
 * the SQL snapshots under test pin the statement each kind of request produces. Span and resource attributes are
 * separate filters on purpose: an OR of the two would keep ClickHouse from skipping any granule (the resource
 * values have no index), so one {@code attr.} filter would scan the whole window.
 */
record TraceSearch(List<String> filters, Map<String, Object> params) {
    static final String MARKER = "/*filters*/";

    static TraceSearch of(TraceQuery q) {
        List<String> filters = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", q.range().from());
        params.put("to", q.range().to());
        if (q.service() != null) {
            filters.add("service = {service:String}");
            params.put("service", q.service());
        }
        if (q.function() != null) {
            filters.add("function = {function:String}");
            params.put("function", q.function());
        }
        if (q.spanName() != null) {
            filters.add("name = {name:String}");
            params.put("name", q.spanName());
        }
        if (q.minDuration() != null) {
            filters.add("duration_ns >= {min_duration_ns:UInt64}");
            params.put("min_duration_ns", q.minDuration().toNanos());
        }
        if (q.maxDuration() != null) {
            filters.add("duration_ns <= {max_duration_ns:UInt64}");
            params.put("max_duration_ns", q.maxDuration().toNanos());
        }
        if (q.error() != null) {
            filters.add(q.error() ? "status_code = 'error'" : "status_code != 'error'");
        }
        int i = 0;
        for (Map.Entry<String, String> a : q.attributes().entrySet()) {
            filters.add("attributes[{attr_key_" + i + ":String}] = {attr_value_" + i + ":String}");
            params.put("attr_key_" + i, a.getKey());
            params.put("attr_value_" + i, a.getValue());
            i++;
        }
        int j = 0;
        for (Map.Entry<String, String> a : q.resource().entrySet()) {
            filters.add("resource_attributes[{resource_key_" + j + ":String}] = {resource_value_" + j + ":String}");
            params.put("resource_key_" + j, a.getKey());
            params.put("resource_value_" + j, a.getValue());
            j++;
        }
        if (q.cursor() != null) {
            params.put("after_ns", q.cursor().lastNs());
            params.put("after_trace", q.cursor().lastTraceId());
        } else {
            params.put("after_ns", Long.MAX_VALUE);
            params.put("after_trace", "");
        }
        return new TraceSearch(List.copyOf(filters), params);
    }

    /** The statement: the template with the filter lines in place of its marker. */
    String sql(String template) {
        int at = template.indexOf(MARKER);
        if (at < 0) {
            throw new IllegalStateException("search_traces.sql has lost its " + MARKER + " line");
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < filters.size(); i++) {
            lines.append(i == 0 ? "AND " : "\n  AND ").append(filters.get(i));
        }
        String replaced = template.substring(0, at) + lines + template.substring(at + MARKER.length());
        // A request without filters leaves an empty line where the marker was.
        return replaced.replaceAll("(?m)^[ \\t]+\\n", "");
    }
}
