-- First-writer-wins claims: the evaluator's lease for a term ("lease:<term>"). A claim is inserted with its key as
-- the insert's deduplication token, so a second insert of the same key (another evaluator) is dropped by the engine
-- and everyone reads back the same owner. A row per interval (1,440 a day at the default): kept as long as the
-- alert history, which they explain (who evaluated when).
CREATE TABLE IF NOT EXISTS ${database}.alert_claims
(
    key        String,
    owner      String,
    claimed_at DateTime64(3)
)
ENGINE = MergeTree
ORDER BY key
TTL toDateTime(claimed_at) + INTERVAL ${alerts_ttl_days} DAY
SETTINGS non_replicated_deduplication_window = 100000
