-- Inner columns are renamed (i_*) because ClickHouse resolves an alias before a column of the same name: the
-- outer max(memory_mb) AS memory_mb would otherwise be nested inside the gb_seconds sum.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.function_minute_mv TO ${database}.function_minute AS
SELECT tenant, function, source, minute,
       max(i_provider) AS provider, max(i_region) AS region, max(i_architecture) AS architecture,
       max(i_service) AS service,
       count() AS invocations,
       countIf(i_status IN ('error', 'timeout')) AS errors,
       countIf(i_status = 'timeout') AS timeouts,
       countIf(i_cold_start = 1) AS cold_starts,
       sum(i_duration_ms) AS duration_ms_sum,
       sum(i_billed_ms) AS billed_ms_sum,
       sum(i_billable_ms / 1000 * i_memory_mb / 1024) AS gb_seconds,
       sum(i_cost) AS cost_usd,
       max(i_memory_mb) AS memory_mb,
       max(i_used_mb) AS max_memory_used_mb,
       quantilesTDigestState(0.5, 0.95, 0.99)(i_duration_ms) AS duration_ms,
       quantilesTDigestStateIf(0.5, 0.95, 0.99)(i_init_ms, i_has_init) AS init_duration_ms,
       quantilesTDigestStateIf(0.5, 0.95, 0.99)(toFloat64(i_used_mb), i_used_mb > 0) AS memory_used_mb
FROM
(
    SELECT tenant, function,
           if(has_report = 1, 'report', 'span') AS source,
           toStartOfMinute(start_time) AS minute,
           provider AS i_provider, region AS i_region, architecture AS i_architecture, service AS i_service,
           status AS i_status, cold_start AS i_cold_start, memory_mb AS i_memory_mb,
           ifNull(duration_ms, ifNull(span_duration_ns, 0) / 1e6) AS i_duration_ms,
           toUInt64(ifNull(billed_duration_ms, 0)) AS i_billed_ms,
           if(billed_duration_ms IS NULL, i_duration_ms, toFloat64(billed_duration_ms)) AS i_billable_ms,
           toDecimal128(ifNull(if(has_report = 1, cost_exact_usd, cost_estimate_usd), 0), 12) AS i_cost,
           toUInt32(ifNull(max_memory_used_mb, 0)) AS i_used_mb,
           toFloat64(ifNull(init_duration_ms, 0)) AS i_init_ms,
           init_duration_ms IS NOT NULL AS i_has_init
    FROM ${database}.invocations
    WHERE has_span = 1 OR has_report = 1
)
GROUP BY tenant, function, source, minute
