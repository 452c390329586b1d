CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.span_links_mv TO ${database}.span_links AS
SELECT tenant, linked_trace_id, linked_span_id, trace_id, span_id, start_time
FROM ${database}.spans
ARRAY JOIN links_trace_id AS linked_trace_id, links_span_id AS linked_span_id
