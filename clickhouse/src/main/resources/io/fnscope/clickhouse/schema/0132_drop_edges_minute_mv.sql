-- The writer now inserts the service-map edges itself (0130, 0131); the view on spans would count them twice.
-- A writer of an earlier version still running after this migration (a rolling upgrade in distributed mode) stores
-- spans whose edges no view counts: upgrade the writers together (docs/deployment.md).
DROP VIEW IF EXISTS ${database}.edges_minute_mv
