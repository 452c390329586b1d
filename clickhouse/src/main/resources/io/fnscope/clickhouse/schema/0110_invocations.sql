-- One row per function execution, assembled from two halves that arrive independently: the invocation's server
-- span (trigger, trace, span duration, faas.coldstart) and the platform report (billed duration, memory, init,
-- status). Each half is inserted as its own row; AggregatingMergeTree folds rows with the same key and every
-- column's function (max ignores NULL and prefers a non-empty string) combines the halves in any order, so a row
-- is complete when both arrived and correct when only one ever does. Readers GROUP BY the key (merges are lazy).
-- Cost: each half prices what it knows; readers use the exact (report) cost when there is one, else the estimate.
-- Granules of 256 rows: readers fetch a trace's or a transaction's few invocations by key, one granule of every
-- column each (measured on 1M rows: 10 keys in 10-14 ms instead of 18-41 ms at 8,192 rows, same bytes on disk).
CREATE TABLE IF NOT EXISTS ${database}.invocations
(
    tenant             LowCardinality(String),
    function           LowCardinality(String),
    invocation_id      String,
    start_time         SimpleAggregateFunction(min, DateTime64(9)),
    provider           SimpleAggregateFunction(max, LowCardinality(String)),
    region             SimpleAggregateFunction(max, LowCardinality(String)),
    architecture       SimpleAggregateFunction(max, LowCardinality(String)),
    function_version   SimpleAggregateFunction(max, LowCardinality(String)),
    service            SimpleAggregateFunction(max, LowCardinality(String)),
    trigger            SimpleAggregateFunction(max, LowCardinality(String)),
    route              SimpleAggregateFunction(max, LowCardinality(String)),
    trace_id           SimpleAggregateFunction(max, FixedString(16)),
    span_id            SimpleAggregateFunction(max, FixedString(8)),
    memory_mb          SimpleAggregateFunction(max, UInt32),
    span_duration_ns   SimpleAggregateFunction(max, Nullable(UInt64)),
    duration_ms        SimpleAggregateFunction(max, Nullable(Float64)),
    billed_duration_ms SimpleAggregateFunction(max, Nullable(UInt32)),
    init_duration_ms   SimpleAggregateFunction(max, Nullable(Float64)),
    cold_start         SimpleAggregateFunction(max, UInt8),
    status             SimpleAggregateFunction(max, Enum8('unknown' = 0, 'ok' = 1, 'error' = 2, 'timeout' = 3)),
    error_message      SimpleAggregateFunction(max, String),
    max_memory_used_mb SimpleAggregateFunction(max, Nullable(UInt32)),
    cost_estimate_usd  SimpleAggregateFunction(max, Nullable(Decimal(18, 12))),
    cost_exact_usd     SimpleAggregateFunction(max, Nullable(Decimal(18, 12))),
    cost_flags         SimpleAggregateFunction(groupBitOr, UInt32),
    catalog_version    SimpleAggregateFunction(max, LowCardinality(String)),
    has_span           SimpleAggregateFunction(max, UInt8),
    has_report         SimpleAggregateFunction(max, UInt8),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(start_time)
ORDER BY (tenant, function, invocation_id)
TTL toDateTime(start_time) + INTERVAL ${invocations_ttl_days} DAY
SETTINGS index_granularity = 256, ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
