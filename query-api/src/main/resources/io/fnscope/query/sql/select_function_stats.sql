-- Per function over [from, to): every measure of the functions view, from the roll-ups. For each function and
-- minute only one source counts, the one that saw more invocations, the platform reports on a tie (see
-- 0111_function_minute.sql), so no invocation counts twice and complete functions count from their reports.
--
-- The quantile states dominate the cost (about 0.5 us each to read and merge; 24 h of 100 functions is 144,000
-- minute rows per source), so whole hours are read from function_hour: an hour whose minutes all chose the same
-- source is that source's hourly row, exactly the sum of the minutes chosen. The choice itself is read per minute
-- from the cheap count column (`choice`); only the minutes at the range's ends, and the hours whose minutes chose
-- differently (a function whose platform reports started or stopped mid-hour), are read minute by minute.
-- Descriptive columns (provider, region, architecture, service, memory) come from both sources: a report half knows
-- no service, a span half no memory used. Minutes are whole: from is rounded down to its minute; whole hours are
-- [hour_from, hour_to) (equal when the range holds none).
WITH choice AS (
    SELECT function, minute, argMax(source, (n, source)) AS chosen
    FROM (
        SELECT function, minute, source, sum(invocations) AS n
        FROM ${database}.function_minute
        WHERE tenant = {tenant:String}
          AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
        GROUP BY function, minute, source)
    GROUP BY function, minute
)
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
    FROM (
        SELECT function, invocations, errors, timeouts, cold_starts, duration_ms_sum, billed_ms_sum, gb_seconds,
               cost_usd, duration_ms, init_duration_ms, memory_used_mb
        FROM ${database}.function_hour
        WHERE tenant = {tenant:String}
          AND hour >= {hour_from:DateTime64(9)} AND hour < {hour_to:DateTime64(9)}
          AND (function, hour, source) IN (
              SELECT function, toStartOfHour(minute) AS h, any(chosen)
              FROM choice
              WHERE minute >= {hour_from:DateTime64(9)} AND minute < {hour_to:DateTime64(9)}
              GROUP BY function, h
              HAVING uniqExact(chosen) = 1)
        UNION ALL
        SELECT function, invocations, errors, timeouts, cold_starts, duration_ms_sum, billed_ms_sum, gb_seconds,
               cost_usd, duration_ms, init_duration_ms, memory_used_mb
        FROM ${database}.function_minute
        WHERE tenant = {tenant:String}
          AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
          AND (function, minute, source) IN (
              SELECT function, minute, chosen
              FROM choice
              WHERE NOT (minute >= {hour_from:DateTime64(9)} AND minute < {hour_to:DateTime64(9)})
                 OR (function, toStartOfHour(minute)) IN (
                     SELECT function, toStartOfHour(minute) AS h
                     FROM choice
                     WHERE minute >= {hour_from:DateTime64(9)} AND minute < {hour_to:DateTime64(9)}
                     GROUP BY function, h
                     HAVING uniqExact(chosen) > 1)))
    GROUP BY function) AS c
INNER JOIN (
    SELECT function,
           max(provider) AS f_provider,
           max(region) AS f_region,
           max(architecture) AS f_architecture,
           max(service) AS f_service,
           max(memory_mb) AS f_memory_mb,
           max(max_memory_used_mb) AS f_max_memory_used_mb
    FROM (
        SELECT function, provider, region, architecture, service, memory_mb, max_memory_used_mb
        FROM ${database}.function_hour
        WHERE tenant = {tenant:String}
          AND hour >= {hour_from:DateTime64(9)} AND hour < {hour_to:DateTime64(9)}
        UNION ALL
        SELECT function, provider, region, architecture, service, memory_mb, max_memory_used_mb
        FROM ${database}.function_minute
        WHERE tenant = {tenant:String}
          AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
          AND NOT (minute >= {hour_from:DateTime64(9)} AND minute < {hour_to:DateTime64(9)}))
    GROUP BY function) AS d
USING (function)
ORDER BY f_cost_usd DESC, f_invocations DESC, function
