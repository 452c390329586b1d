-- Cost of each trace's invocations over [from, to): invocation rows folded from their halves, priced exact else
-- estimated, summed per trace, with the functions involved.
SELECT i_trace AS trace,
       sum(ifNull(i_cost, toDecimal64(0, 12))) AS t_cost_usd,
       count() AS t_invocations,
       groupUniqArray(function) AS t_functions
FROM (
    SELECT function,
           lower(hex(max(trace_id))) AS i_trace,
           coalesce(max(cost_exact_usd), max(cost_estimate_usd)) AS i_cost
    FROM fnscope.invocations
    WHERE tenant = {tenant:String}
      AND start_time >= {from:DateTime64(9)}
      AND start_time < {to:DateTime64(9)}
    GROUP BY tenant, function, invocation_id)
WHERE i_trace != '00000000000000000000000000000000'
GROUP BY i_trace
LIMIT {limit:UInt32}
