-- The edges of the given nodes in transaction_edges (0212_transaction_edges.sql): for a trace, the traces it links with (both
-- ways) and its message nodes; for a message node, every trace that produced or consumed that message. A
-- primary-key lookup with the ids as a literal set (a subquery costs a second pipeline: ~3 ms against ~6 ms on 10M
-- spans); edges are taken within {from}..{to}.
SELECT node,
       peer
FROM fnscope.transaction_edges
WHERE tenant = {tenant:String}
  AND node IN {nodes:Array(String)}
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
LIMIT 1 BY node, peer
LIMIT {limit:UInt32}
