-- function_minute folded into hours, for ranges of hours and days: /functions over 24 h merges 24 rows per function
-- and source instead of 1,440 (the quantile states dominate its cost: about 0.5 us each to read and merge).
-- Readers use it for the whole hours of a range and function_minute for the minutes at its ends; the source
-- choice (see 0111_function_minute.sql) is then made per hour for the whole hours.
CREATE TABLE IF NOT EXISTS ${database}.function_hour
(
    tenant             LowCardinality(String),
    function           LowCardinality(String),
    source             Enum8('span' = 1, 'report' = 2),
    hour               DateTime,
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
PARTITION BY toYYYYMM(hour)
ORDER BY (tenant, function, hour, source)
TTL hour + INTERVAL ${rollups_ttl_days} DAY
SETTINGS non_replicated_deduplication_window = ${dedup_window}
