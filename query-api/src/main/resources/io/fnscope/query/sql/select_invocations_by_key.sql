-- The invocation rows (function executions) with the given keys, as two parallel arrays (function, invocation id):
-- those trace_index holds for the traces read (select_trace_ranges.sql), else those of the spans read. A primary-key
-- read that does not touch the spans.
-- Each row is folded from its halves (span half, platform-report half) with the column's own combinator, as
-- 0110_invocations.sql prescribes. Cost: the report's exact cost when there is one, else the span half's estimate.
-- Time bounds: the traces' range ({from}..{to}), widened by the longest Lambda run (15 min), since a report half
-- starts when the platform says the invocation started.
SELECT function,
       invocation_id,
       lower(hex(max(trace_id))) AS i_trace,
       lower(hex(max(span_id))) AS i_span,
       toUnixTimestamp64Nano(min(start_time)) AS i_start_ns,
       max(provider) AS i_provider,
       max(region) AS i_region,
       max(architecture) AS i_architecture,
       max(service) AS i_service,
       max(trigger) AS i_trigger,
       max(route) AS i_route,
       max(memory_mb) AS i_memory_mb,
       max(span_duration_ns) AS i_span_duration_ns,
       max(duration_ms) AS i_duration_ms,
       max(billed_duration_ms) AS i_billed_duration_ms,
       max(init_duration_ms) AS i_init_duration_ms,
       max(cold_start) AS i_cold_start,
       max(status) AS i_status,
       max(error_message) AS i_error_message,
       max(max_memory_used_mb) AS i_max_memory_used_mb,
       coalesce(max(cost_exact_usd), max(cost_estimate_usd)) AS i_cost_usd,
       max(cost_exact_usd) IS NOT NULL AS i_cost_exact,
       groupBitOr(cost_flags) AS i_cost_flags,
       max(has_report) AS i_has_report
FROM ${database}.invocations
WHERE tenant = {tenant:String}
  AND (function, invocation_id) IN (
      SELECT k.1, k.2 FROM (SELECT arrayJoin(arrayZip({functions:Array(String)}, {invocation_ids:Array(String)})) AS k))
  AND start_time >= {from:DateTime64(9)} - toIntervalMinute(15)
  AND start_time <= {to:DateTime64(9)} + toIntervalMinute(15)
GROUP BY tenant, function, invocation_id
