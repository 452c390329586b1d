-- One function's measures per bucket of {step} seconds starting at {origin}, from the per-minute roll-up, with the
-- same source choice per minute as select_function_stats.sql. Buckets without invocations are absent (the API
-- fills them with zeros).
SELECT toUInt32(intDiv(toUInt32(minute) - {origin:UInt32}, {step:UInt32})) AS bucket,
       sum(invocations) AS f_invocations,
       sum(errors) AS f_errors,
       sum(timeouts) AS f_timeouts,
       sum(cold_starts) AS f_cold_starts,
       sum(duration_ms_sum) AS f_duration_ms_sum,
       sum(billed_ms_sum) AS f_billed_ms_sum,
       sum(gb_seconds) AS f_gb_seconds,
       sum(cost_usd) AS f_cost_usd,
       max(memory_mb) AS f_memory_mb,
       max(max_memory_used_mb) AS f_max_memory_used_mb,
       quantilesTDigestMerge(0.5, 0.95, 0.99)(duration_ms) AS f_duration_q,
       quantilesTDigestMerge(0.5, 0.95, 0.99)(init_duration_ms) AS f_init_q,
       quantilesTDigestMerge(0.5, 0.95, 0.99)(memory_used_mb) AS f_memory_q
FROM ${database}.function_minute
WHERE tenant = {tenant:String}
  AND function = {function:String}
  AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
  AND (minute, source) IN (
      SELECT minute, argMax(source, (n, source))
      FROM (
          SELECT minute, source, sum(invocations) AS n
          FROM ${database}.function_minute
          WHERE tenant = {tenant:String}
            AND function = {function:String}
            AND minute >= toStartOfMinute({from:DateTime64(9)}) AND minute < {to:DateTime64(9)}
          GROUP BY minute, source)
      GROUP BY minute)
GROUP BY bucket
ORDER BY bucket
