-- From the entry spans of functions only (server, or consumer for queue and stream triggers), one row per distinct resource per block before the
-- ARRAY JOIN, so an insert adds a handful of rows whatever its size. Attributes every span has and no one budgets
-- by (instance, host, process, SDK, cloud and faas identity) are left out, and long values are not tags.
CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.function_tags_mv TO ${database}.function_tags AS
SELECT tenant, kv.1 AS key, kv.2 AS value, function, last_seen
FROM
(
    SELECT tenant, function, resource_attributes, toDateTime(max(start_time)) AS last_seen
    FROM ${database}.spans
    WHERE function != '' AND kind IN ('server', 'consumer')
    GROUP BY tenant, function, resource_attributes
)
ARRAY JOIN CAST(resource_attributes, 'Array(Tuple(String, String))') AS kv
WHERE NOT match(kv.1, '^(host|process|os|telemetry|cloud|faas|container|k8s|aws\\.log|service\\.instance)\\.')
  AND length(kv.2) <= 256
