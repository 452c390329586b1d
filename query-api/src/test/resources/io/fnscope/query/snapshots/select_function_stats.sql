-- Per function over [from, to): every measure of the functions view, from the roll-ups: function_hour for the
-- whole hours [hour_from, hour_to) inside the range (equal when it holds none), function_minute for the minutes at
-- its ends (from rounded down to its minute). The quantile states dominate the cost (about 0.5 us each to read and
-- merge; 24 h of 100 functions is 144,000 minute rows per source), so 24 h reads 24 rows per function and source.
--
-- For each function and bucket (an hour, or a minute at the ends) only one source counts, the one that saw more
-- invocations, the platform reports on a tie (see 0111_function_minute.sql), so no invocation counts twice and
-- complete functions count from their reports. Choosing per hour rather than per minute also keeps the choice
-- steady for a function whose reports arrive for most but not all invocations. Descriptive columns (provider,
-- region, architecture, service, memory) come from both sources: a report half knows no service, a span half no
-- memory used.
WITH buckets AS (
    SELECT function, source, hour AS bucket, provider, region, architecture, service, invocations, errors,
           timeouts, cold_starts, duration_ms_sum, billed_ms_sum, gb_seconds, cost_usd, memory_mb,
           max_memory_used_mb, duration_ms, init_duration_ms, memory_used_mb
    FROM fnscope.function_hour
    WHERE tenant = {tenant:String}
      AND hour >= {hour_from:DateTime64(9)} AND hour < {hour_to:DateTime64(9)}
    UNION ALL
    SELECT function, source, minute AS bucket, provider, region, architecture, service, invocations, errors,
           timeouts, cold_starts, duration_ms_sum, billed_ms_sum, gb_seconds, cost_usd, memory_mb,
           max_memory_used_mb, duration_ms, init_duration_ms, memory_used_mb
    FROM fnscope.function_minute
    WHERE tenant = {tenant:String}
      AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
      AND NOT (minute >= {hour_from:DateTime64(9)} AND minute < {hour_to:DateTime64(9)})
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
    FROM buckets
    WHERE (function, bucket, source) IN (
        SELECT function, bucket, argMax(source, (n, source))
        FROM (
            SELECT function, bucket, source, sum(invocations) AS n
            FROM buckets
            GROUP BY function, bucket, source)
        GROUP BY function, bucket)
    GROUP BY function) AS c
INNER JOIN (
    SELECT function,
           max(provider) AS f_provider,
           max(region) AS f_region,
           max(architecture) AS f_architecture,
           max(service) AS f_service,
           max(memory_mb) AS f_memory_mb,
           max(max_memory_used_mb) AS f_max_memory_used_mb
    FROM buckets
    GROUP BY function) AS d
USING (function)
ORDER BY f_cost_usd DESC, f_invocations DESC, function
