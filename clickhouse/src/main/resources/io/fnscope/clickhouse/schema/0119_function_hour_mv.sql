-- Filled from each block written to function_minute (itself filled from invocations), so an insert's minutes and
-- hours come from the same rows and are deduplicated together on a redelivery.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.function_hour_mv TO ${database}.function_hour AS
SELECT tenant, function, source, toStartOfHour(minute) AS hour,
       max(provider) AS provider, max(region) AS region, max(architecture) AS architecture,
       max(service) AS service,
       sum(invocations) AS invocations,
       sum(errors) AS errors,
       sum(timeouts) AS timeouts,
       sum(cold_starts) AS cold_starts,
       sum(duration_ms_sum) AS duration_ms_sum,
       sum(billed_ms_sum) AS billed_ms_sum,
       sum(gb_seconds) AS gb_seconds,
       sum(cost_usd) AS cost_usd,
       max(memory_mb) AS memory_mb,
       max(max_memory_used_mb) AS max_memory_used_mb,
       quantilesTDigestMergeState(0.5, 0.95, 0.99)(duration_ms) AS duration_ms,
       quantilesTDigestMergeState(0.5, 0.95, 0.99)(init_duration_ms) AS init_duration_ms,
       quantilesTDigestMergeState(0.5, 0.95, 0.99)(memory_used_mb) AS memory_used_mb
FROM ${database}.function_minute
GROUP BY tenant, function, source, hour
