-- What a search hit shows of each trace: its root span (the span without parent, else the earliest), time range,
-- span and error counts, services and functions touched, and the keys of the invocations to price
-- (faas.invocation_id, else the span id of a function's server or consumer span, as the writer keys them). Bounded
-- by the traces' range from trace_index ({from}..{to}, which may reach beyond the search range), so the figures are
-- the whole trace's.
SELECT lower(hex(trace_id)) AS trace,
       argMin(name, (parent_span_id != toFixedString(unhex('0000000000000000'), 8), start_time)) AS root_name,
       argMin(service, (parent_span_id != toFixedString(unhex('0000000000000000'), 8), start_time)) AS root_service,
       argMin(function, (parent_span_id != toFixedString(unhex('0000000000000000'), 8), start_time)) AS root_function,
       argMin(toString(kind), (parent_span_id != toFixedString(unhex('0000000000000000'), 8), start_time)) AS root_kind,
       argMin(lower(hex(span_id)), (parent_span_id != toFixedString(unhex('0000000000000000'), 8), start_time)) AS root_span,
       toUnixTimestamp64Nano(min(start_time)) AS start_ns,
       max(toUnixTimestamp64Nano(start_time) + toInt64(duration_ns)) AS end_ns,
       count() AS span_count,
       countIf(status_code = 'error') AS error_count,
       arraySort(groupUniqArrayIf(service, service != '')) AS services,
       arraySort(groupUniqArrayIf(function, function != '')) AS functions,
       groupUniqArrayIf([function, if(invocation_id != '', invocation_id, lower(hex(span_id)))],
                        function != '' AND (invocation_id != '' OR kind IN ('server', 'consumer'))) AS invocation_keys
FROM fnscope.spans
WHERE tenant = {tenant:String}
  AND trace_id IN (SELECT toFixedString(unhex(arrayJoin({trace_ids:Array(String)})), 16))
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
GROUP BY trace_id
