-- One page of a trace search: traces with a span in [from, to) that matches every filter, newest first by that
-- span's start. The primary key (tenant, hour, trace_id) keeps the read to the tenant's hours in the range; the
-- attr.<key> filters use the bloom-filter index on span attribute values. The filters line is completed
-- by TraceSearch (one AND per filter the request gives; values are parameters). The HAVING clause continues after
-- the previous page's last (first match, trace id).
SELECT lower(hex(trace_id)) AS trace,
       toUnixTimestamp64Nano(min(start_time)) AS first_ns
FROM fnscope.spans
WHERE tenant = {tenant:String}
  AND start_time >= {from:DateTime64(9)}
  AND start_time < {to:DateTime64(9)}
  AND attributes[{attr_key_0:String}] = {attr_value_0:String}
  AND resource_attributes[{resource_key_0:String}] = {resource_value_0:String}
GROUP BY trace_id
HAVING (first_ns, trace) < ({after_ns:Int64}, {after_trace:String})
ORDER BY first_ns DESC, trace DESC
LIMIT {limit:UInt32}

-- parameters:
--   after_ns = 9223372036854775807
--   after_trace = 
--   attr_key_0 = user.id
--   attr_value_0 = u-42
--   from = 2026-11-20T09:00:00Z
--   resource_key_0 = deployment.environment
--   resource_value_0 = prod
--   to = 2026-11-20T10:00:00Z
