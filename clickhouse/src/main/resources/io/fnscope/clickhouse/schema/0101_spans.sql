-- Every span, one row each. Sorted by (tenant, hour, trace id): a trace's spans sit together, which makes a
-- trace-by-id read touch one granule and lets ZSTD fold the repeated ids and names; the hour prefix keeps time-range
-- searches to the hours asked for. Resource attribute values are LowCardinality: a resource repeats on every span of
-- its process but its spans are spread over the traces, so plain strings cost 17 bytes per span after ZSTD and
-- dictionary indexes under 1 (writer/RATIONALE.md). The only map index is on span attribute values ("spans with
-- this request id"): a bloom filter of keys, or of resource values, matches nearly every granule (every span has
-- the same few keys, every granule spans every service) while costing a fifth of the insert time. Granules of 1,024
-- rows, not 8,192: a trace-by-id read decompresses and filters a granule of every column for one trace's few rows
-- (measured on 10M spans: 9-10 ms instead of 11-16 ms per read, same bytes on disk, finer attribute-index skipping).
CREATE TABLE IF NOT EXISTS ${database}.spans
(
    tenant                   LowCardinality(String),
    trace_id                 FixedString(16),
    span_id                  FixedString(8),
    parent_span_id           FixedString(8),
    trace_state              String CODEC(ZSTD(1)),
    flags                    UInt32 CODEC(ZSTD(1)),
    name                     LowCardinality(String),
    kind                     Enum8('unspecified' = 0, 'internal' = 1, 'server' = 2, 'client' = 3, 'producer' = 4, 'consumer' = 5),
    start_time               DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    duration_ns              UInt64 CODEC(T64, ZSTD(1)),
    status_code              Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    status_message           String CODEC(ZSTD(1)),
    service                  LowCardinality(String),
    function                 LowCardinality(String),
    invocation_id            String CODEC(ZSTD(1)),
    scope_name               LowCardinality(String),
    scope_version            LowCardinality(String),
    resource_attributes      Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    resource_attribute_types Map(LowCardinality(String), Enum8('int' = 1, 'double' = 2, 'bool' = 3, 'bytes' = 4, 'array' = 5, 'kvlist' = 6)) CODEC(ZSTD(1)),
    attributes               Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    attribute_types          Map(LowCardinality(String), Enum8('int' = 1, 'double' = 2, 'bool' = 3, 'bytes' = 4, 'array' = 5, 'kvlist' = 6)) CODEC(ZSTD(1)),
    events_time              Array(DateTime64(9)) CODEC(ZSTD(1)),
    events_name              Array(LowCardinality(String)) CODEC(ZSTD(1)),
    events_attributes        Array(Map(LowCardinality(String), String)) CODEC(ZSTD(1)),
    links_trace_id           Array(FixedString(16)) CODEC(ZSTD(1)),
    links_span_id            Array(FixedString(8)) CODEC(ZSTD(1)),
    links_trace_state        Array(String) CODEC(ZSTD(1)),
    links_attributes         Array(Map(LowCardinality(String), String)) CODEC(ZSTD(1)),
    dropped_attributes_count UInt32 CODEC(ZSTD(1)),
    dropped_events_count     UInt32 CODEC(ZSTD(1)),
    dropped_links_count      UInt32 CODEC(ZSTD(1)),
    INDEX idx_attribute_values mapValues(attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration duration_ns TYPE minmax GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(start_time)
PRIMARY KEY (tenant, toStartOfHour(start_time), trace_id)
ORDER BY (tenant, toStartOfHour(start_time), trace_id, start_time)
TTL toDateTime(start_time) + INTERVAL ${spans_ttl_days} DAY
SETTINGS index_granularity = 1024, ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
