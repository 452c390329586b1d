CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.edges_minute_mv TO ${database}.edges_minute AS
SELECT tenant, minute, e.1 AS source_type, e.2 AS source, e.3 AS target_type, e.4 AS target,
       count() AS calls, countIf(status_code = 'error') AS errors,
       quantilesTDigestState(0.5, 0.95, 0.99)(duration_ns / 1e6) AS duration_ms,
       sum(duration_ns / 1e6) AS duration_ms_sum
FROM
(
    SELECT tenant, toStartOfMinute(start_time) AS minute, status_code, duration_ns,
           if(function != '', 'function', 'service') AS self_type,
           if(function != '', function, service) AS self,
           attributes['messaging.system'] AS msg_system,
           attributes['messaging.destination.name'] AS msg_destination,
           coalesce(nullIf(attributes['db.namespace'], ''), nullIf(attributes['db.name'], ''),
                    nullIf(attributes['server.address'], ''), '') AS db_name,
           coalesce(nullIf(attributes['server.address'], ''), nullIf(attributes['net.peer.name'], ''),
                    nullIf(attributes['http.host'], ''), nullIf(domain(attributes['url.full']), ''),
                    nullIf(domain(attributes['http.url']), ''), nullIf(attributes['rpc.service'], ''), '') AS host,
           multiIf(
               kind IN ('client', 'producer') AND attributes['faas.invoked_name'] != '',
                   tuple(self_type, self, 'function', attributes['faas.invoked_name']),
               kind IN ('client', 'producer') AND msg_destination != '',
                   tuple(self_type, self, 'queue', concat(msg_system, ':', msg_destination)),
               kind = 'client' AND attributes['db.system'] != '',
                   tuple(self_type, self, 'database', concat(attributes['db.system'], if(db_name != '', concat(':', db_name), ''))),
               kind = 'client' AND host != '',
                   tuple(self_type, self, 'external', host),
               kind IN ('consumer', 'server') AND msg_destination != '',
                   tuple('queue', concat(msg_system, ':', msg_destination), self_type, self),
               tuple('', '', '', '')) AS e
    FROM ${database}.spans
    WHERE kind IN ('client', 'producer', 'consumer', 'server')
)
WHERE e.1 != ''
GROUP BY tenant, minute, source_type, source, target_type, target
