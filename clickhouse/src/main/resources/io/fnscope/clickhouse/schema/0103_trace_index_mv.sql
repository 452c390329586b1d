CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.trace_index_mv TO ${database}.trace_index AS
SELECT tenant, trace_id, first_start AS start_time, last_end AS end_time, span_count AS spans
FROM
(
    SELECT tenant, trace_id, min(start_time) AS first_start,
           max(start_time + toIntervalNanosecond(duration_ns)) AS last_end, count() AS span_count
    FROM ${database}.spans
    GROUP BY tenant, trace_id
)
