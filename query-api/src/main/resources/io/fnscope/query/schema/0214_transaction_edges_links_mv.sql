-- 0202's view, into transaction_edges; created before 0216 drops 0202's (see 0213).
CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.transaction_edges_links_mv TO ${database}.transaction_edges AS
SELECT tenant, e.1 AS node, e.2 AS peer, start_time
FROM ${database}.span_links
ARRAY JOIN [(lower(hex(trace_id)), lower(hex(linked_trace_id))), (lower(hex(linked_trace_id)), lower(hex(trace_id)))] AS e
WHERE trace_id != linked_trace_id
