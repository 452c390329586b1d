-- First-writer-wins claims: the evaluator's lease for a term ("lease:<term>"). A claim is inserted with its key as
-- the insert's deduplication token, so a second insert of the same key (another evaluator) is dropped by the engine
-- and everyone reads back the same owner. Terms are short; a day of them is plenty.
CREATE TABLE IF NOT EXISTS ${database}.alert_claims
(
    key        String,
    owner      String,
    claimed_at DateTime64(3)
)
ENGINE = MergeTree
ORDER BY key
TTL toDateTime(claimed_at) + INTERVAL 1 DAY
SETTINGS non_replicated_deduplication_window = 100000
