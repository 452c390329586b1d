-- The edges of the given traces in trace_edges (0201_trace_edges.sql), and the edges of the message nodes they
-- reach: rows (node, peer) where node is one of the traces (its links, both ways, and its messages) or a message
-- node one of them carries (the message's other producers and consumers). The caller joins trace -> message ->
-- trace. Both parts are primary-key lookups on the small index; edges are taken within {from}..{to}.
SELECT node,
       peer
FROM ${database}.trace_edges
WHERE tenant = {tenant:String}
  AND (node IN (SELECT arrayJoin({trace_ids:Array(String)}))
       OR node IN (SELECT peer
                   FROM ${database}.trace_edges
                   WHERE tenant = {tenant:String}
                     AND node IN (SELECT arrayJoin({trace_ids:Array(String)}))
                     AND startsWith(peer, 'm:')
                     AND start_time >= {from:DateTime64(9)}
                     AND start_time <= {to:DateTime64(9)}))
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
LIMIT 1 BY node, peer
LIMIT {limit:UInt32}
