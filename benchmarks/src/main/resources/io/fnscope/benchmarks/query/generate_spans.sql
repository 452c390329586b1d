-- {spans} generated spans of tenant 'default': 10 per trace, traces 86.4 ms apart from {base} (1M traces cover
-- 24 h), 50 functions in 20 services, 8-12 attributes per span, 1% errors. Span k of trace t: k = 0 the invocation's
-- server span (route, user, cold start 5%), k % 3 = 1 DynamoDB client spans, k % 3 = 2 SQS producer spans (unique
-- message ids), others internal. Traces t with t % 1000 in 1..9 continue trace t - 1 (their root links to its
-- first producer span), so every trace with t % 1000 = 0 starts a 10-trace transaction. The trace and span ids are
-- hashes of (t, k), so the generator can tell which traces exist without storing a list.
INSERT INTO ${database}.spans (tenant, trace_id, span_id, parent_span_id, name, kind, start_time, duration_ns,
                               status_code, status_message, service, function, invocation_id, scope_name,
                               resource_attributes, attributes, links_trace_id, links_span_id)
SETTINGS max_insert_threads = 2, max_block_size = 65536, min_insert_block_size_rows = 262144
SELECT 'default',
       toFixedString(unhex(concat(lpad(hex(cityHash64(t, 1)), 16, '0'), lpad(hex(cityHash64(t, 2)), 16, '0'))), 16),
       toFixedString(unhex(lpad(hex(cityHash64(t, k, 3)), 16, '0')), 8),
       if(k = 0, toFixedString(unhex('0000000000000000'), 8), toFixedString(unhex(lpad(hex(cityHash64(t, 0, 3)), 16, '0')), 8)),
       multiIf(k = 0, concat('POST /r', toString(t % 30)), k % 3 = 1, 'DynamoDB.PutItem', k % 3 = 2, concat('q-', toString(t % 20), ' send'), 'handle'),
       CAST(multiIf(k = 0, 2, k % 3 = 1, 3, k % 3 = 2, 4, 1) AS Enum8('unspecified' = 0, 'internal' = 1, 'server' = 2, 'client' = 3, 'producer' = 4, 'consumer' = 5)),
       toDateTime64({base:DateTime64(9)}, 9) + toIntervalMicrosecond(t * 86400 + k * 5000),
       if(k = 0, 60000000 + cityHash64(t, 4) % 40000000, 1000000 + cityHash64(t, k, 5) % 20000000),
       CAST(if(cityHash64(t, k, 6) % 100 = 0, 2, 0) AS Enum8('unset' = 0, 'ok' = 1, 'error' = 2)),
       if(cityHash64(t, k, 6) % 100 = 0, 'failed', ''),
       concat('svc-', toString((t % 50) % 20)),
       concat('fn-', leftPad(toString(t % 50), 2, '0')),
       if(k = 0, concat('inv-', toString(t)), ''),
       'io.opentelemetry.aws-sdk-2.2',
       map('service.name', concat('svc-', toString((t % 50) % 20)), 'faas.name', concat('fn-', leftPad(toString(t % 50), 2, '0')),
           'cloud.provider', 'aws', 'cloud.region', 'us-east-1', 'faas.max_memory', '536870912',
           'telemetry.sdk.language', 'java', 'deployment.environment', 'prod'),
       multiIf(
           k = 0, map('http.route', concat('/r', toString(t % 30)), 'http.request.method', 'POST',
                      'user.id', concat('u', toString(cityHash64(t, 7) % 200000)), 'faas.trigger', 'http',
                      'faas.invocation_id', concat('inv-', toString(t)), 'faas.coldstart', if(t % 20 = 0, 'true', 'false'),
                      'cloud.account.id', '123456789012', 'http.response.status_code', '200'),
           k % 3 = 1, map('db.system', 'dynamodb', 'aws.dynamodb.table_names', concat('table-', toString(t % 10)),
                          'rpc.service', 'DynamoDB', 'rpc.method', 'PutItem', 'user.id', concat('u', toString(cityHash64(t, 7) % 200000)),
                          'aws.request_id', hex(cityHash64(t, k, 8)), 'server.address', 'dynamodb.us-east-1.amazonaws.com',
                          'network.protocol.name', 'http'),
           k % 3 = 2, map('messaging.system', 'aws_sqs', 'messaging.destination.name', concat('q-', toString(t % 20)),
                          'messaging.message.id', concat('m-', toString(t), '-', toString(k)), 'messaging.operation.type', 'send',
                          'rpc.service', 'SQS', 'rpc.method', 'SendMessage', 'aws.request_id', hex(cityHash64(t, k, 8)),
                          'user.id', concat('u', toString(cityHash64(t, 7) % 200000))),
           map('code.function', 'handle', 'code.namespace', 'com.example.Handler', 'user.id', concat('u', toString(cityHash64(t, 7) % 200000)),
               'thread.name', 'main')),
       if(k = 0 AND t % 1000 BETWEEN 1 AND 9,
          [toFixedString(unhex(concat(lpad(hex(cityHash64(t - 1, 1)), 16, '0'), lpad(hex(cityHash64(t - 1, 2)), 16, '0'))), 16)],
          []),
       if(k = 0 AND t % 1000 BETWEEN 1 AND 9, [toFixedString(unhex(lpad(hex(cityHash64(t - 1, 2, 3)), 16, '0')), 8)], [])
FROM (SELECT intDiv(number, 10) AS t, number % 10 AS k FROM numbers({spans:UInt64}))
