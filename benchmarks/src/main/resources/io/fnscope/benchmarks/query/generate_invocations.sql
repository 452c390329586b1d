-- The invocation rows of the generated spans, as the writer makes them: a span half for every server span, and a
-- platform-report half for 80% of them (billed duration = span duration rounded up to 1 ms, 512 MB, memory used
-- 100-399 MB, init 150-550 ms on cold starts, exact cost at the us-east-1 x86_64 list price). function_minute fills
-- from these through its materialized view.
INSERT INTO ${database}.invocations (tenant, function, invocation_id, start_time, provider, region, architecture,
                                     service, trigger, route, trace_id, span_id, memory_mb, span_duration_ns,
                                     duration_ms, billed_duration_ms, init_duration_ms, cold_start, status,
                                     max_memory_used_mb, cost_estimate_usd, cost_exact_usd, cost_flags, has_span,
                                     has_report)
SETTINGS max_insert_threads = 2
SELECT tenant, function, invocation_id, start_time, 'aws', 'us-east-1', 'x86_64',
       if(half = 0, service, ''), if(half = 0, 'http', ''), if(half = 0, attributes['http.route'], ''),
       if(half = 0, trace_id, toFixedString(unhex('00000000000000000000000000000000'), 16)),
       if(half = 0, span_id, toFixedString(unhex('0000000000000000'), 8)),
       512,
       if(half = 0, duration_ns, NULL),
       if(half = 1, duration_ns / 1e6, NULL),
       if(half = 1, toUInt32(ceil(duration_ns / 1e6)), NULL),
       if(half = 1 AND attributes['faas.coldstart'] = 'true', 150 + cityHash64(trace_id) % 400, NULL),
       attributes['faas.coldstart'] = 'true',
       CAST(if(status_code = 'error', 2, 1) AS Enum8('unknown' = 0, 'ok' = 1, 'error' = 2, 'timeout' = 3)),
       if(half = 1, toUInt32(100 + cityHash64(trace_id, 9) % 300), NULL),
       if(half = 0, toDecimal64(0.0000002 + duration_ns / 1e9 * 0.5 * 0.0000166667, 12), NULL),
       if(half = 1, toDecimal64(0.0000002 + ceil(duration_ns / 1e6) / 1000 * 0.5 * 0.0000166667, 12), NULL),
       if(half = 0, 1, 0),
       half = 0,
       half = 1
FROM ${database}.spans
ARRAY JOIN if(cityHash64(trace_id, 10) % 5 = 0, [0], [0, 1]) AS half
WHERE tenant = 'default' AND kind = 'server'
