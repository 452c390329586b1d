-- The query API's index of how traces connect, for the transaction view's breadth-first search: one row per
-- direction of every cross-trace span link (trace -> trace) and per messaging span with a message id (trace ->
-- 'm:<message id>' and back), sorted by node. So each step of the search is one primary-key lookup on this small
-- table, never a read of spans. Filled from span_links and messages by the two views after it; expires with spans.
CREATE TABLE IF NOT EXISTS ${database}.trace_edges
(
    tenant     LowCardinality(String),
    node       String,
    peer       String,
    start_time DateTime64(9) CODEC(Delta(8), ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(start_time)
ORDER BY (tenant, node, peer)
TTL toDateTime(start_time) + INTERVAL ${spans_ttl_days} DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
