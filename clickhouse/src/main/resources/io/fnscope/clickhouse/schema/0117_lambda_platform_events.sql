-- AWS Lambda Telemetry API events as received (platform.report, platform.initReport, platform.runtimeDone,
-- platform.start, ...), for audit and for what the invocation rows do not carry (init type, restore, runtime
-- status details). The invocation rows are derived from them by the writer.
CREATE TABLE IF NOT EXISTS ${database}.lambda_platform_events
(
    tenant       LowCardinality(String),
    function     LowCardinality(String),
    time         DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    type         LowCardinality(String),
    request_id   String CODEC(ZSTD(1)),
    region       LowCardinality(String),
    log_stream   String CODEC(ZSTD(1)),
    record       String CODEC(ZSTD(3))
)
ENGINE = MergeTree
PARTITION BY toDate(time)
ORDER BY (tenant, function, time)
TTL toDateTime(time) + INTERVAL ${platform_events_ttl_days} DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
