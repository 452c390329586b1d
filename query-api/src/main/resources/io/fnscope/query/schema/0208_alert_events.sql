-- Alert history: every firing and resolution and what it said. An alert (alert_key: a rule, or a budget's period
-- and threshold) is in the state of its latest event. Writing an event is also claiming it: the insert carries the
-- event id as its deduplication token, so when two evaluators record the same transition the engine keeps the
-- first row, and its owner is the one that notifies. Deliveries carry the event id.
CREATE TABLE IF NOT EXISTS ${database}.alert_events
(
    tenant      LowCardinality(String),
    alert_key   String,
    event_id    String,
    owner       String,
    source_type Enum8('budget' = 1, 'rule' = 2),
    source_id   String,
    state       Enum8('firing' = 1, 'resolved' = 2),
    sequence    UInt32,
    at          DateTime64(3),
    severity    LowCardinality(String),
    title       String,
    summary     String,
    value       Float64,
    threshold   Float64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, alert_key, at)
TTL toDateTime(at) + INTERVAL ${alerts_ttl_days} DAY
SETTINGS non_replicated_deduplication_window = 100000
