-- edges_minute from the writer's edge rows (0130): the same columns the view on spans (0114) computed. The writer's
-- deduplicate_blocks_in_dependent_materialized_views makes a repeated edge_calls insert (same token) a no-op here.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.edge_calls_mv TO ${database}.edges_minute AS
SELECT tenant, minute, source_type, source, target_type, target,
       count() AS calls,
       sum(error) AS errors,
       quantilesTDigestState(0.5, 0.95, 0.99)(call_duration_ms) AS duration_ms,
       sum(call_duration_ms) AS duration_ms_sum
FROM ${database}.edge_calls
GROUP BY tenant, minute, source_type, source, target_type, target
