-- Every span of one trace (trace by id), within its range from trace_index ({from}..{to}, read just before), so
-- the primary key (tenant, hour, trace_id) opens only the hours the trace spans. LIMIT 1 BY drops a span stored
-- twice; one row more than the cap tells the caller it cut.
SELECT lower(hex(trace_id)) AS trace,
       lower(hex(span_id)) AS span,
       lower(hex(parent_span_id)) AS parent,
       name,
       kind,
       toUnixTimestamp64Nano(start_time) AS start_ns,
       duration_ns,
       status_code,
       status_message,
       service,
       function,
       invocation_id,
       scope_name,
       scope_version,
       resource_attributes,
       attributes,
       arrayMap(t -> toUnixTimestamp64Nano(t), events_time) AS events_ns,
       events_name,
       events_attributes,
       arrayMap(t -> lower(hex(t)), links_trace_id) AS link_traces,
       arrayMap(s -> lower(hex(s)), links_span_id) AS link_spans,
       links_attributes,
       dropped_attributes_count,
       dropped_events_count,
       dropped_links_count
FROM ${database}.spans
WHERE tenant = {tenant:String}
  AND trace_id = toFixedString(unhex({trace_id:String}), 16)
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
ORDER BY start_time, span_id
LIMIT 1 BY trace_id, span_id
LIMIT {limit:UInt32}
