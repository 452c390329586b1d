-- Events, the first table (edited after it was applied).
CREATE TABLE IF NOT EXISTS `${database}`.events
(
    tenant LowCardinality(String),
    ts     DateTime64(9),
    name   String,
    extra  String
)
ENGINE = MergeTree
ORDER BY (tenant, ts);
