-- Messaging spans by message id: joins a producer's send to the consumer that received the same message when
-- no span link or parent carries the context across the queue.
CREATE TABLE IF NOT EXISTS ${database}.messages
(
    tenant      LowCardinality(String),
    message_id  String CODEC(ZSTD(1)),
    system      LowCardinality(String),
    destination LowCardinality(String),
    operation   LowCardinality(String),
    kind        Enum8('unspecified' = 0, 'internal' = 1, 'server' = 2, 'client' = 3, 'producer' = 4, 'consumer' = 5),
    trace_id    FixedString(16),
    span_id     FixedString(8),
    start_time  DateTime64(9) CODEC(Delta(8), ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(start_time)
ORDER BY (tenant, message_id)
TTL toDateTime(start_time) + INTERVAL ${spans_ttl_days} DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
