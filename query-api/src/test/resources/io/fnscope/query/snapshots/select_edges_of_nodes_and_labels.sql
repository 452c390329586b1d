-- select_edges_of_nodes.sql, plus the edges of the nodes' transaction labels ('c:<label>', TransactionLabeller):
-- the first round of a transaction search reads the trace asked for and, when it is labelled, every node of its
-- transaction at once. The labels come from a subquery (a second pipeline, ~3 ms; a round trip more costs 6-10).
SELECT node,
       peer
FROM fnscope.transaction_edges
WHERE tenant = {tenant:String}
  AND (node IN {nodes:Array(String)}
       OR node IN (SELECT peer
                   FROM fnscope.transaction_edges
                   WHERE tenant = {tenant:String}
                     AND node IN {nodes:Array(String)}
                     AND startsWith(peer, 'c:')
                     AND start_time >= {from:DateTime64(9)}
                     AND start_time <= {to:DateTime64(9)}))
  AND start_time >= {from:DateTime64(9)}
  AND start_time <= {to:DateTime64(9)}
LIMIT 1 BY node, peer
LIMIT {limit:UInt32}
