-- Replaced by 0213.
DROP VIEW IF EXISTS ${database}.trace_edges_messages_mv
