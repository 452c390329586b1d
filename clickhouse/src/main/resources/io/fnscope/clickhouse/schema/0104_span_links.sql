-- Span links, indexed by the span they point to: answers "which spans link into this trace" (a batch consumer
-- linking to the messages it processed) without scanning spans.
CREATE TABLE IF NOT EXISTS ${database}.span_links
(
    tenant          LowCardinality(String),
    linked_trace_id FixedString(16),
    linked_span_id  FixedString(8),
    trace_id        FixedString(16),
    span_id         FixedString(8),
    start_time      DateTime64(9) CODEC(Delta(8), ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(start_time)
ORDER BY (tenant, linked_trace_id, linked_span_id)
TTL toDateTime(start_time) + INTERVAL ${spans_ttl_days} DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
