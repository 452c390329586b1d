-- Every attempt to deliver a notification to a channel, with its outcome: what /api/v1/alerts shows under each
-- event, and how a user finds out that a channel is failing.
CREATE TABLE IF NOT EXISTS ${database}.alert_deliveries
(
    tenant      LowCardinality(String),
    event_id    String,
    delivery_id String,
    channel_id  String,
    channel_kind LowCardinality(String),
    attempt     UInt16,
    started     DateTime64(3),
    duration_ms UInt32,
    http_status UInt16,
    outcome     LowCardinality(String),
    error       String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(started)
ORDER BY (tenant, event_id, started)
TTL toDateTime(started) + INTERVAL ${alerts_ttl_days} DAY
