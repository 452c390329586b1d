-- Where each of the given traces lies in time (trace_index, one row per trace once merged; GROUP BY folds the
-- rows of inserts not yet merged). Every read of a trace's spans starts here, so it opens only the hours the trace
-- spans. A trace this tenant does not have returns no row: another tenant's trace id finds nothing.
SELECT lower(hex(trace_id)) AS trace,
       toUnixTimestamp64Nano(min(start_time)) AS start_ns,
       toUnixTimestamp64Nano(max(end_time)) AS end_ns,
       sum(spans) AS span_count
FROM ${database}.trace_index
WHERE tenant = {tenant:String}
  AND trace_id IN (SELECT toFixedString(unhex(arrayJoin({trace_ids:Array(String)})), 16))
GROUP BY trace_id
