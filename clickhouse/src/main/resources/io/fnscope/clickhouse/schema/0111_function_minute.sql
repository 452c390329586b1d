-- Per function and minute, from each source separately (span halves, report halves), so dashboards and alerts
-- never scan spans. Readers take, per function and minute, the source that saw more invocations (reports on a
-- tie): complete functions count from their reports, span-only functions from their spans, and no invocation is
-- counted twice.
CREATE TABLE IF NOT EXISTS ${database}.function_minute
(
    tenant             LowCardinality(String),
    function           LowCardinality(String),
    source             Enum8('span' = 1, 'report' = 2),
    minute             DateTime,
    provider           SimpleAggregateFunction(max, LowCardinality(String)),
    region             SimpleAggregateFunction(max, LowCardinality(String)),
    architecture       SimpleAggregateFunction(max, LowCardinality(String)),
    service            SimpleAggregateFunction(max, LowCardinality(String)),
    invocations        SimpleAggregateFunction(sum, UInt64),
    errors             SimpleAggregateFunction(sum, UInt64),
    timeouts           SimpleAggregateFunction(sum, UInt64),
    cold_starts        SimpleAggregateFunction(sum, UInt64),
    duration_ms_sum    SimpleAggregateFunction(sum, Float64),
    billed_ms_sum      SimpleAggregateFunction(sum, UInt64),
    gb_seconds         SimpleAggregateFunction(sum, Float64),
    cost_usd           SimpleAggregateFunction(sum, Decimal(38, 12)),
    memory_mb          SimpleAggregateFunction(max, UInt32),
    max_memory_used_mb SimpleAggregateFunction(max, UInt32),
    duration_ms        AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64),
    init_duration_ms   AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64),
    memory_used_mb     AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (tenant, function, minute, source)
TTL minute + INTERVAL ${rollups_ttl_days} DAY
SETTINGS non_replicated_deduplication_window = ${dedup_window}
