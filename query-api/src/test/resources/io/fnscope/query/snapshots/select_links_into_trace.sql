-- Spans of other traces linking into one trace (trace by id), starting within the transaction window before the
-- trace's first span or after its last; the trace's range comes from trace_index through scalar subqueries (see
-- select_one_trace_spans.sql), so this runs at the same time as the spans read. Links inside the trace are not
-- incoming.
WITH (SELECT (min(start_time), max(end_time))
      FROM fnscope.trace_index
      WHERE tenant = {tenant:String} AND trace_id = toFixedString(unhex({trace_id:String}), 16)) AS trace_range
SELECT lower(hex(linked_trace_id)) AS target_trace,
       lower(hex(linked_span_id)) AS target_span,
       lower(hex(trace_id)) AS source_trace,
       lower(hex(span_id)) AS source_span,
       toUnixTimestamp64Nano(start_time) AS source_start_ns
FROM fnscope.span_links
WHERE tenant = {tenant:String}
  AND linked_trace_id = toFixedString(unhex({trace_id:String}), 16)
  AND start_time >= trace_range.1 - toIntervalNanosecond({window_ns:UInt64})
  AND start_time <= trace_range.2 + toIntervalNanosecond({window_ns:UInt64})
  AND trace_id != linked_trace_id
ORDER BY start_time
LIMIT {limit:UInt32}
