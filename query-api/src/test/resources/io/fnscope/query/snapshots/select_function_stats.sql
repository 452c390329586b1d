-- Per function over [from, to): every measure of the functions view, from the per-minute roll-up. Counts, sums and
-- quantiles: for each function and minute only one source counts, the one that saw more invocations, the platform
-- reports on a tie (see 0111_function_minute.sql), so no invocation counts twice and complete functions count from
-- their reports; the chosen rows' quantile states merge into p50/p95/p99. Descriptive columns (provider, region,
-- architecture, service, memory) come from both sources: a report half knows no service, a span half no memory
-- used. Minutes are whole: [from, to) with from rounded down to its minute.
SELECT function,
       d.f_provider AS f_provider,
       d.f_region AS f_region,
       d.f_architecture AS f_architecture,
       d.f_service AS f_service,
       d.f_memory_mb AS f_memory_mb,
       d.f_max_memory_used_mb AS f_max_memory_used_mb,
       c.f_invocations AS f_invocations,
       c.f_errors AS f_errors,
       c.f_timeouts AS f_timeouts,
       c.f_cold_starts AS f_cold_starts,
       c.f_duration_ms_sum AS f_duration_ms_sum,
       c.f_billed_ms_sum AS f_billed_ms_sum,
       c.f_gb_seconds AS f_gb_seconds,
       c.f_cost_usd AS f_cost_usd,
       c.f_duration_q AS f_duration_q,
       c.f_init_q AS f_init_q,
       c.f_memory_q AS f_memory_q
FROM (
    SELECT function,
           sum(invocations) AS f_invocations,
           sum(errors) AS f_errors,
           sum(timeouts) AS f_timeouts,
           sum(cold_starts) AS f_cold_starts,
           sum(duration_ms_sum) AS f_duration_ms_sum,
           sum(billed_ms_sum) AS f_billed_ms_sum,
           sum(gb_seconds) AS f_gb_seconds,
           sum(cost_usd) AS f_cost_usd,
           quantilesTDigestMerge(0.5, 0.95, 0.99)(duration_ms) AS f_duration_q,
           quantilesTDigestMerge(0.5, 0.95, 0.99)(init_duration_ms) AS f_init_q,
           quantilesTDigestMerge(0.5, 0.95, 0.99)(memory_used_mb) AS f_memory_q
    FROM fnscope.function_minute
    WHERE tenant = {tenant:String}
      AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
      AND (function, minute, source) IN (
          SELECT function, minute, argMax(source, (n, source))
          FROM (
              SELECT function, minute, source, sum(invocations) AS n
              FROM fnscope.function_minute
              WHERE tenant = {tenant:String}
                AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
              GROUP BY function, minute, source)
          GROUP BY function, minute)
    GROUP BY function) AS c
INNER JOIN (
    SELECT function,
           max(provider) AS f_provider,
           max(region) AS f_region,
           max(architecture) AS f_architecture,
           max(service) AS f_service,
           max(memory_mb) AS f_memory_mb,
           max(max_memory_used_mb) AS f_max_memory_used_mb
    FROM fnscope.function_minute
    WHERE tenant = {tenant:String}
      AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
    GROUP BY function) AS d
USING (function)
ORDER BY f_cost_usd DESC, f_invocations DESC, function
