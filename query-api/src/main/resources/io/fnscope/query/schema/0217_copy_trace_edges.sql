-- The edges written before 0212, once no view writes trace_edges any more (0215, 0216): up to spans-days of them,
-- copied once at start-up (6M edges in about 3 s on the build machine). Run again after a crash before it was
-- recorded, it copies them twice, which readers drop (LIMIT 1 BY node, peer) and which ages out with the data.
INSERT INTO ${database}.transaction_edges (tenant, node, peer, start_time)
SELECT tenant, node, peer, start_time FROM ${database}.trace_edges
