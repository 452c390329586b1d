-- Service-map edges over [from, to) from the per-minute roll-up: who calls what (functions, services, queues and
-- buses, databases, external hosts), with calls, errors and latency quantiles merged from the minutes' states.
SELECT source_type,
       source,
       target_type,
       target,
       sum(calls) AS e_calls,
       sum(errors) AS e_errors,
       sum(duration_ms_sum) AS e_duration_ms_sum,
       quantilesTDigestMerge(0.5, 0.95, 0.99)(duration_ms) AS e_duration_q
FROM ${database}.edges_minute
WHERE tenant = {tenant:String}
  AND minute >= toStartOfMinute({from:DateTime64(9)})
  AND minute < {to:DateTime64(9)}
GROUP BY source_type, source, target_type, target
ORDER BY e_calls DESC, source_type, source, target_type, target
LIMIT {limit:UInt32}
