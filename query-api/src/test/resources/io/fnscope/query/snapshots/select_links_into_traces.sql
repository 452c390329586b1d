-- Spans of other traces that link into the given traces (span_links is sorted by the link's target, so this reads
-- only the targets' granules), starting within {from}..{to} (the traces' range widened by the transaction window).
-- Links inside one trace are left out: a trace view shows them as its own spans' links.
SELECT lower(hex(linked_trace_id)) AS target_trace,
       lower(hex(linked_span_id)) AS target_span,
       lower(hex(trace_id)) AS source_trace,
       lower(hex(span_id)) AS source_span,
       toUnixTimestamp64Nano(start_time) AS source_start_ns
FROM fnscope.span_links
WHERE tenant = {tenant:String}
  AND linked_trace_id IN (SELECT toFixedString(unhex(arrayJoin({trace_ids:Array(String)})), 16))
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
  AND trace_id != linked_trace_id
ORDER BY start_time
LIMIT {limit:UInt32}
