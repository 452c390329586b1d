-- 0203's view, into transaction_edges. Created before 0215 drops 0203's, so that no message is missed in between
-- (one written in between lands in both tables, and readers drop repeats: LIMIT 1 BY node, peer).
CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.transaction_edges_messages_mv TO ${database}.transaction_edges AS
SELECT tenant, e.1 AS node, e.2 AS peer, start_time
FROM ${database}.messages
ARRAY JOIN [(lower(hex(trace_id)), concat('m:', message_id)), (concat('m:', message_id), lower(hex(trace_id)))] AS e
