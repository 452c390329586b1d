-- Which functions carry which resource attribute (team=payments, deployment.environment=prod...): what a budget or
-- an alert rule scoped to a tag resolves to, so that such a scope is a set of functions read from the roll-ups and
-- never a scan of spans. One row per (tenant, key, value, function), folded by the engine; last_seen lets a tag
-- that moved to other functions age out with the roll-ups.
CREATE TABLE IF NOT EXISTS ${database}.function_tags
(
    tenant    LowCardinality(String),
    key       LowCardinality(String),
    value     String,
    function  LowCardinality(String),
    last_seen SimpleAggregateFunction(max, DateTime)
)
ENGINE = AggregatingMergeTree
ORDER BY (tenant, key, value, function)
TTL last_seen + INTERVAL ${rollups_ttl_days} DAY
SETTINGS non_replicated_deduplication_window = ${dedup_window}
