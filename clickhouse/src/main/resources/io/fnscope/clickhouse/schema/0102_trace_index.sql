-- Where each trace lies in time, so a trace-by-id read knows which hours of `spans` to open. Partitioned by day
-- and expiring with the spans, so it stays small (one row per trace per insert until merged). Rows are in trace id
-- order, so times are random within the day: ZSTD (not Delta) takes their common high bytes. Granules of 1,024
-- rows: every read is a lookup of a few trace ids.
CREATE TABLE IF NOT EXISTS ${database}.trace_index
(
    tenant     LowCardinality(String),
    trace_id   FixedString(16),
    start_time SimpleAggregateFunction(min, DateTime64(9)) CODEC(ZSTD(1)),
    end_time   SimpleAggregateFunction(max, DateTime64(9)) CODEC(ZSTD(1)),
    spans      SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(start_time)
ORDER BY (tenant, trace_id)
TTL toDateTime(start_time) + INTERVAL ${spans_ttl_days} DAY
SETTINGS index_granularity = 1024, ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
