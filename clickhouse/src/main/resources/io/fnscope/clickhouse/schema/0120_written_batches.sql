-- The batch ids (Kafka header fnscope-batch-id) of the records the writer has stored, so that a record re-sent by an
-- exporter after a 503 (a new Kafka record with the same batch id) is not stored twice (writer/RATIONALE.md). One
-- row per stored record, inserted after the record's rows, once per flush; a row written twice is harmless (the
-- writer only asks whether an id is there). Each flush looks its ids up by primary key, which reads about one
-- granule per id and part, hence granules of 256 rows: measured with 4M ids in one part, looking up 2,000 took
-- 125 ms with granules of 1,024 rows, 51 ms with 256, 42 ms with 128; the primary index takes 17 bytes per granule
-- in memory (27 MB for 400M ids).
-- Kept a fixed 2 days (day partitions dropped whole: a row lives 2 to 3 days), not a retention key: it must outlive
-- the time between a record and its repeat reaching the writer, which Kafka's retention bounds
-- (fnscope.kafka.retention-hours, 24 by default), plus the exporter's retries (minutes). Longer only costs space.
CREATE TABLE IF NOT EXISTS ${database}.written_batches
(
    tenant     LowCardinality(String),
    batch_id   UUID,
    signal     LowCardinality(String),
    written_at DateTime CODEC(Delta(4), ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(written_at)
ORDER BY (tenant, batch_id)
TTL written_at + INTERVAL 2 DAY
SETTINGS index_granularity = 256, ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window}
