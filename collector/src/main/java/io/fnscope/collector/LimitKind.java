package io.fnscope.collector;

/**
 * What the collector changed in data it accepted, to keep it within the configured limits. Counted under
 * {@code fnscope_collector_limits_applied_total{kind=...}}: one count per attribute dropped, value truncated, event,
 * link or exemplar dropped, parent id cleared. None of these reject an item.
 */
enum LimitKind {
    /** Attributes beyond fnscope.collector.max-attributes; added to the owner's dropped_attributes_count. */
    ATTRIBUTE_DROPPED("attribute_dropped", "attributes dropped above fnscope.collector.max-attributes"),
    /** String values cut to fnscope.collector.max-attribute-value-length characters. */
    VALUE_TRUNCATED("attribute_value_truncated",
            "attribute values truncated to fnscope.collector.max-attribute-value-length characters"),
    EVENT_DROPPED("event_dropped", "span events dropped above fnscope.collector.max-events-per-span"),
    LINK_DROPPED("link_dropped", "span links dropped above fnscope.collector.max-links-per-span"),
    /** Links whose trace or span id is malformed: they point nowhere, so they are dropped (the span is kept). */
    INVALID_LINK_DROPPED("invalid_link_dropped", "span links dropped for a malformed trace_id or span_id"),
    /** Exemplars whose trace or span id is malformed (the data point is kept). */
    EXEMPLAR_DROPPED("exemplar_dropped", "exemplars dropped for a malformed trace_id or span_id"),
    /** An all-zero 8-byte parent_span_id means "no parent"; it is cleared so the span is stored as a root. */
    PARENT_CLEARED("zero_parent_span_id_cleared", "all-zero parent_span_id cleared (span treated as root)");

    final String tag;
    final String description;

    LimitKind(String tag, String description) {
        this.tag = tag;
        this.description = description;
    }
}
