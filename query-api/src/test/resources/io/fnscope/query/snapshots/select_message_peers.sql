-- The traces that produced or consumed each of the given messages (message ids, without the 'm:' of their node in
-- trace_edges): a primary-key lookup in `messages` (ORDER BY tenant, message_id) with the ids as a literal set, the
-- other half of a message hop since trace_edges keeps only trace -> message rows (0211). Taken within
-- {from}..{to}, like the edges.
SELECT concat('m:', message_id) AS node,
       lower(hex(trace_id)) AS peer
FROM fnscope.messages
WHERE tenant = {tenant:String}
  AND message_id IN {messages:Array(String)}
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
LIMIT 1 BY node, peer
LIMIT {limit:UInt32}
