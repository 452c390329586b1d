-- Each messaging span with a message id, both ways through a node for the message: every producer and consumer of
-- one message are two steps apart, however far apart in time they arrive.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.trace_edges_messages_mv TO ${database}.trace_edges AS
SELECT tenant, e.1 AS node, e.2 AS peer, start_time
FROM ${database}.messages
ARRAY JOIN [(lower(hex(trace_id)), concat('m:', message_id)), (concat('m:', message_id), lower(hex(trace_id)))] AS e
