-- A second module's table, with a TTL from its variables.
CREATE TABLE IF NOT EXISTS `${database}`.event_counts
(
    tenant LowCardinality(String),
    day    Date,
    n      UInt64
)
ENGINE = SummingMergeTree
ORDER BY (tenant, day)
TTL day + INTERVAL ${retention_days} DAY
