-- Replaced by 0214.
DROP VIEW IF EXISTS ${database}.trace_edges_links_mv
