-- Its rows are in transaction_edges (0217).
DROP TABLE IF EXISTS ${database}.trace_edges
