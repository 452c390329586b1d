-- OTLP log records with their trace correlation (trace and span ids, bloom-filtered for "logs of this trace").
CREATE TABLE IF NOT EXISTS ${database}.logs
(
    tenant              LowCardinality(String),
    time                DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    observed_time       DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    service             LowCardinality(String),
    function            LowCardinality(String),
    severity_number     UInt8,
    severity_text       LowCardinality(String),
    body                String CODEC(ZSTD(1)),
    trace_id            FixedString(16),
    span_id             FixedString(8),
    flags               UInt32,
    event_name          LowCardinality(String),
    scope_name          LowCardinality(String),
    resource_attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    attributes          Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_body body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(time)
ORDER BY (tenant, service, function, time)
TTL toDateTime(time) + INTERVAL ${logs_ttl_days} DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
