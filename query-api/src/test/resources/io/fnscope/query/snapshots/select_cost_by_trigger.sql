-- Cost per trigger (http, pubsub, datasource, timer, other) over [from, to), from the invocation rows, each folded
-- from its halves first (GROUP BY the table's key) and priced with the report's exact cost, else the estimate.
SELECT if(i_trigger = '', 'unknown', i_trigger) AS group_key,
       count() AS g_invocations,
       sum(ifNull(i_cost, toDecimal64(0, 12))) AS g_cost_usd,
       uniqExact(function) AS g_functions
FROM (
    SELECT function,
           max(trigger) AS i_trigger,
           coalesce(max(cost_exact_usd), max(cost_estimate_usd)) AS i_cost
    FROM fnscope.invocations
    WHERE tenant = {tenant:String}
      AND start_time >= {from:DateTime64(9)}
      AND start_time < {to:DateTime64(9)}
    GROUP BY tenant, function, invocation_id)
GROUP BY group_key
ORDER BY g_cost_usd DESC, group_key
