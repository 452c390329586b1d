-- Spans of other traces linking into one trace (trace by id), starting within the transaction window before the
-- trace's first span or after its last: {from} and {to} are the trace's range (trace_index) widened by the window,
-- by the caller (interval arithmetic on a parameter costs the engine 0.5-1 ms a statement). Links inside the trace
-- are not incoming.
-- Each names its linking span (0127), except rows written before 0128 (described = 0): their callers read those
-- spans' names from spans (select_spans_by_id.sql).
SELECT lower(hex(linked_trace_id)) AS target_trace,
       lower(hex(linked_span_id)) AS target_span,
       lower(hex(trace_id)) AS source_trace,
       lower(hex(span_id)) AS source_span,
       toUnixTimestamp64Nano(start_time) AS source_start_ns,
       name AS source_name,
       service AS source_service,
       function AS source_function,
       described
FROM ${database}.span_links
WHERE tenant = {tenant:String}
  AND linked_trace_id = toFixedString(unhex({trace_id:String}), 16)
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
  AND trace_id != linked_trace_id
ORDER BY start_time
LIMIT {limit:UInt32}
