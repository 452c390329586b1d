-- Service-map edges per minute: who calls what (functions, services, queues and buses, databases, external
-- hosts), derived from each client/producer span's peer attributes and each consumer's trigger, so the map never
-- needs a join over spans.
CREATE TABLE IF NOT EXISTS ${database}.edges_minute
(
    tenant        LowCardinality(String),
    minute        DateTime,
    source_type   LowCardinality(String),
    source        LowCardinality(String),
    target_type   LowCardinality(String),
    target        LowCardinality(String),
    calls         SimpleAggregateFunction(sum, UInt64),
    errors        SimpleAggregateFunction(sum, UInt64),
    duration_ms   AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), Float64),
    duration_ms_sum SimpleAggregateFunction(sum, Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (tenant, minute, source_type, source, target_type, target)
TTL minute + INTERVAL ${rollups_ttl_days} DAY
SETTINGS non_replicated_deduplication_window = ${dedup_window}
