package io.fnscope.query;

import io.fnscope.clickhouse.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One stored span, as {@code select_one_trace_spans.sql} reads it. Ids are lower-case hex; a root span's parent is
 * {@code null} (stored as eight zero bytes).
 */
record SpanRow(
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        String kind,
        long startNs,
        long durationNs,
        String statusCode,
        String statusMessage,
        String service,
        String function,
        String invocationId,
        String scopeName,
        String scopeVersion,
        Map<String, String> resourceAttributes,
        Map<String, String> attributes,
        List<Event> events,
        List<Link> links,
        long droppedAttributes,
        long droppedEvents,
        long droppedLinks) {

    static final String ZERO_SPAN = "0000000000000000";

    record Event(long timeNs, String name, Map<String, String> attributes) {
    }

    record Link(String traceId, String spanId, Map<String, String> attributes) {
    }

    long endNs() {
        return startNs + durationNs;
    }

    boolean error() {
        return "error".equals(statusCode);
    }

    String attribute(String key) {
        String v = attributes.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    /** An attribute of the span, else of its resource. */
    String attributeOrResource(String key) {
        String v = attribute(key);
        if (v == null) {
            v = resourceAttributes.get(key);
        }
        return v == null || v.isEmpty() ? null : v;
    }

    String key() {
        return traceId + "/" + spanId;
    }

    static SpanRow map(Row r) {
        return map(r, true);
    }

    /**
     * A row of select_transaction_spans.sql: what a transaction's DAG needs, without resource attributes, scope,
     * link attributes and dropped counts (empty here).
     */
    static SpanRow mapForTransaction(Row r) {
        return map(r, false);
    }

    private static SpanRow map(Row r, boolean whole) {
        String parent = r.getString("parent");
        List<Long> eventTimes = r.getList("events_ns");
        List<String> eventNames = r.getList("events_name");
        List<Map<String, String>> eventAttributes = r.getList("events_attributes");
        List<Event> events = new ArrayList<>(eventTimes.size());
        for (int i = 0; i < eventTimes.size(); i++) {
            events.add(new Event(eventTimes.get(i), i < eventNames.size() ? eventNames.get(i) : "",
                    i < eventAttributes.size() ? eventAttributes.get(i) : Map.of()));
        }
        List<String> linkTraces = r.getList("link_traces");
        List<String> linkSpans = r.getList("link_spans");
        List<Map<String, String>> linkAttributes = whole ? r.getList("links_attributes") : List.of();
        List<Link> links = new ArrayList<>(linkTraces.size());
        for (int i = 0; i < linkTraces.size(); i++) {
            // The parallel arrays have equal lengths as the writer fills them; a shorter one reads as empty.
            links.add(new Link(linkTraces.get(i), i < linkSpans.size() ? linkSpans.get(i) : SpanRow.ZERO_SPAN,
                    i < linkAttributes.size() ? linkAttributes.get(i) : Map.of()));
        }
        return new SpanRow(r.getString("trace"), r.getString("span"), ZERO_SPAN.equals(parent) ? null : parent,
                r.getString("name"), r.getString("kind"), r.getLong("start_ns"), r.getLong("duration_ns"),
                r.getString("status_code"), r.getString("status_message"), r.getString("service"),
                r.getString("function"), r.getString("invocation_id"), whole ? r.getString("scope_name") : "",
                whole ? r.getString("scope_version") : "", whole ? r.getMap("resource_attributes") : Map.of(),
                r.getMap("attributes"), events, links,
                whole ? r.getLong("dropped_attributes_count") : 0, whole ? r.getLong("dropped_events_count") : 0,
                whole ? r.getLong("dropped_links_count") : 0);
    }
}
