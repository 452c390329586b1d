-- invocations was created without codecs, so its columns took ClickHouse's default, LZ4, which has no entropy
-- coding: a random invocation id (a UUID) kept 35 of its 36 bytes. ZSTD takes it to 19 (the writer benchmark: 7.9
-- -> 4.3 bytes per span, the table 17.7 -> 14.1; writer/RATIONALE.md). The error message is text, which ZSTD also
-- suits better. A codec change rewrites nothing: parts written before keep LZ4 until they are merged.
ALTER TABLE ${database}.invocations
    MODIFY COLUMN invocation_id String CODEC(ZSTD(1)),
    MODIFY COLUMN error_message SimpleAggregateFunction(max, String) CODEC(ZSTD(1))
