-- For the transaction labeller (TransactionLabeller): the edges of the given nodes in trace_edges, component nodes
-- ('c:<label>') included, with the earliest time of each, over the whole retention (a trace may connect to one
-- written days before). At most {per_node} peers per node: a node with more is too big to label, and reading it all
-- would cost the writer's process more than the label saves a query.
SELECT node,
       peer,
       toUnixTimestamp64Nano(min(start_time)) AS time
FROM ${database}.trace_edges
WHERE tenant = {tenant:String}
  AND node IN {nodes:Array(String)}
GROUP BY node, peer
LIMIT {per_node:UInt32} BY node
