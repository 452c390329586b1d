-- Both directions of each span link between two traces (links inside one trace connect nothing).
CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.trace_edges_links_mv TO ${database}.trace_edges AS
SELECT tenant, e.1 AS node, e.2 AS peer, start_time
FROM ${database}.span_links
ARRAY JOIN [(lower(hex(trace_id)), lower(hex(linked_trace_id))), (lower(hex(linked_trace_id)), lower(hex(trace_id)))] AS e
WHERE trace_id != linked_trace_id
