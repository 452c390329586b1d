-- trace_edges again, in granules of 1,024 rows instead of 8,192: a transaction's second round reads the edges of
-- its label's members, one granule each, so a granule of 8,192 rows decompressed some 40 × 8,192 rows of ids to keep
-- a hundred (p50 16.3 ms; 8.3 ms on a copy in granules of 1,024, no larger on disk). index_granularity cannot be
-- altered, so the table is built again under a new name (0213-0218 move the views and the rows over); swapping two
-- tables (EXCHANGE) would not be idempotent. Codecs and compressed blocks as 0210 and 0211 left trace_edges.
CREATE TABLE IF NOT EXISTS ${database}.transaction_edges
(
    tenant     LowCardinality(String),
    node       String CODEC(ZSTD(1)),
    peer       String CODEC(ZSTD(1)),
    start_time DateTime64(9) CODEC(ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(start_time)
ORDER BY (tenant, node, peer)
TTL toDateTime(start_time) + INTERVAL ${spans_ttl_days} DAY
SETTINGS index_granularity = 1024, ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${dedup_window},
         min_compress_block_size = 4096, max_compress_block_size = 65536
