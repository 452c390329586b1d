-- Alert configuration: channels, budgets and rules, each one JSON document per id (fnscope's API shapes, with a
-- channel's URL and secret). Configuration is small and rarely written, so one table serves all three; every write
-- is a new version and a delete is a version with deleted = 1. Readers take each id's last version (argMax over
-- version), which needs no FINAL and gives the same answer before and after merges.
CREATE TABLE IF NOT EXISTS ${database}.alert_config
(
    tenant   LowCardinality(String),
    type     Enum8('channel' = 1, 'budget' = 2, 'rule' = 3),
    id       String,
    version  UInt64,
    deleted  UInt8,
    body     String CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY (tenant, type, id)
