-- The transaction labeller's rows (TransactionLabeller): for each node of a connected component, node -> 'c:<label>'
-- and 'c:<label>' -> node, at the node's time so that they expire with it. Rows are given as three equal arrays.
INSERT INTO fnscope.trace_edges (tenant, node, peer, start_time)
SELECT {tenant:String}, e.1, e.2, fromUnixTimestamp64Nano(e.3)
FROM (SELECT arrayJoin(arrayZip({nodes:Array(String)}, {peers:Array(String)}, {times:Array(Int64)})) AS e)
