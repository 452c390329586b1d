-- One row per applied migration. ReplacingMergeTree: two processes starting at once may both record a migration
-- (each statement is idempotent); the duplicates collapse, and readers use FINAL.
CREATE TABLE IF NOT EXISTS `${database}`.schema_migrations
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version
