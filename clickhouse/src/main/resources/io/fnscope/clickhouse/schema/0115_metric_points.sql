-- OTLP metric data points of every type in one table (columns a type does not use stay empty and compress away).
-- faas.* metrics land here like any other; names are LowCardinality so a metric's series read as one range.
CREATE TABLE IF NOT EXISTS ${database}.metric_points
(
    tenant              LowCardinality(String),
    metric_name         LowCardinality(String),
    metric_type         Enum8('gauge' = 1, 'sum' = 2, 'histogram' = 3, 'exponential_histogram' = 4, 'summary' = 5),
    unit                LowCardinality(String),
    description         LowCardinality(String),
    service             LowCardinality(String),
    function            LowCardinality(String),
    time                DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    start_time          DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    temporality         Enum8('unspecified' = 0, 'delta' = 1, 'cumulative' = 2),
    is_monotonic        UInt8,
    value               Float64 CODEC(Gorilla, ZSTD(1)),
    count               UInt64 CODEC(T64, ZSTD(1)),
    sum                 Float64 CODEC(Gorilla, ZSTD(1)),
    min                 Nullable(Float64),
    max                 Nullable(Float64),
    bucket_counts       Array(UInt64) CODEC(ZSTD(1)),
    explicit_bounds     Array(Float64) CODEC(ZSTD(1)),
    exp_scale           Int32,
    exp_zero_count      UInt64,
    exp_positive_offset Int32,
    exp_positive_counts Array(UInt64) CODEC(ZSTD(1)),
    exp_negative_offset Int32,
    exp_negative_counts Array(UInt64) CODEC(ZSTD(1)),
    quantiles           Array(Float64) CODEC(ZSTD(1)),
    quantile_values     Array(Float64) CODEC(ZSTD(1)),
    flags               UInt32,
    scope_name          LowCardinality(String),
    resource_attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    attributes          Map(LowCardinality(String), String) CODEC(ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(time)
ORDER BY (tenant, metric_name, service, function, time)
TTL toDateTime(time) + INTERVAL ${metrics_ttl_days} DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
