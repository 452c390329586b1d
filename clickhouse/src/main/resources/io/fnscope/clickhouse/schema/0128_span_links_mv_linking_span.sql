-- span_links_mv (0105) also copies the linking span's name, service and function (0127). MODIFY QUERY swaps the
-- view's query atomically, as in 0124.
ALTER TABLE ${database}.span_links_mv MODIFY QUERY
SELECT tenant, linked_trace_id, linked_span_id, trace_id, span_id, start_time, name, service, function,
       toUInt8(1) AS described
FROM ${database}.spans
ARRAY JOIN links_trace_id AS linked_trace_id, links_span_id AS linked_span_id
