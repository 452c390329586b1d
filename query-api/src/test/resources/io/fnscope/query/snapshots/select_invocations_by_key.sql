-- The invocation rows (function executions) with the given keys, as two parallel arrays (function, invocation id):
-- those trace_index holds for the traces read (select_trace_ranges.sql), else those of the spans read. A primary-key
-- read that does not touch the spans.
-- Each row is folded from its halves (span half, platform-report half) by FINAL, which merges the rows of one key
-- with the table's own combinators (0110_invocations.sql), across parts and partitions, before WHERE applies to the
-- folded row. On 10M spans (one key per trace) it took p50 11.4 ms against 14.0 for a GROUP BY restating each
-- combinator (query-api/RATIONALE.md). Cost: the report's exact cost when there is one, else the span half's
-- estimate.
-- Time bounds: the traces' range ({from}..{to}), widened by the longest Lambda run (15 min), since a report half
-- starts when the platform says the invocation started: both halves of an invocation of these traces lie inside.
-- FINAL prunes no part by a condition on start_time (a SimpleAggregateFunction column: a row outside could lower
-- the fold's minimum), so the bounds also pick the daily partitions through the virtual _partition_value (the
-- table's PARTITION BY toDate(start_time)); without it, every day of the retention would be looked up by key.
SELECT function,
       invocation_id,
       lower(hex(trace_id)) AS i_trace,
       lower(hex(span_id)) AS i_span,
       toUnixTimestamp64Nano(start_time) AS i_start_ns,
       provider AS i_provider,
       region AS i_region,
       architecture AS i_architecture,
       service AS i_service,
       trigger AS i_trigger,
       route AS i_route,
       memory_mb AS i_memory_mb,
       span_duration_ns AS i_span_duration_ns,
       duration_ms AS i_duration_ms,
       billed_duration_ms AS i_billed_duration_ms,
       init_duration_ms AS i_init_duration_ms,
       cold_start AS i_cold_start,
       status AS i_status,
       error_message AS i_error_message,
       max_memory_used_mb AS i_max_memory_used_mb,
       coalesce(cost_exact_usd, cost_estimate_usd) AS i_cost_usd,
       cost_exact_usd IS NOT NULL AS i_cost_exact,
       cost_flags AS i_cost_flags,
       has_report AS i_has_report
FROM fnscope.invocations FINAL
WHERE tenant = {tenant:String}
  AND (function, invocation_id) IN (
      SELECT k.1, k.2 FROM (SELECT arrayJoin(arrayZip({functions:Array(String)}, {invocation_ids:Array(String)})) AS k))
  AND _partition_value.1 >= toDate({from:DateTime64(9)} - toIntervalMinute(15))
  AND _partition_value.1 <= toDate({to:DateTime64(9)} + toIntervalMinute(15))
  AND start_time >= {from:DateTime64(9)} - toIntervalMinute(15)
  AND start_time <= {to:DateTime64(9)} + toIntervalMinute(15)
