CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.messages_mv TO ${database}.messages AS
SELECT tenant, attributes['messaging.message.id'] AS message_id, attributes['messaging.system'] AS system,
       attributes['messaging.destination.name'] AS destination,
       if(attributes['messaging.operation.type'] != '', attributes['messaging.operation.type'], attributes['messaging.operation']) AS operation,
       kind, trace_id, span_id, start_time
FROM ${database}.spans
WHERE attributes['messaging.message.id'] != ''
