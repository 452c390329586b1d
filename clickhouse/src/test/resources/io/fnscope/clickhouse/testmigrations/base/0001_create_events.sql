-- Events, the first table.
CREATE TABLE IF NOT EXISTS `${database}`.events
(
    tenant LowCardinality(String),
    ts     DateTime64(9),
    name   String
)
ENGINE = MergeTree
ORDER BY (tenant, ts);
