-- A few spans by (trace, span) whose start times are known exactly (from span_links): names and owners of the
-- spans that link into a trace. The start-time bound is those spans' own start times.
SELECT lower(hex(trace_id)) AS trace,
       lower(hex(span_id)) AS span,
       name,
       kind,
       service,
       function,
       toUnixTimestamp64Nano(start_time) AS start_ns
FROM fnscope.spans
WHERE tenant = {tenant:String}
  AND (trace_id, span_id) IN (
      SELECT toFixedString(unhex(k.1), 16), toFixedString(unhex(k.2), 8)
      FROM (SELECT arrayJoin(arrayZip({trace_ids:Array(String)}, {span_ids:Array(String)})) AS k))
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
LIMIT 1 BY trace_id, span_id
