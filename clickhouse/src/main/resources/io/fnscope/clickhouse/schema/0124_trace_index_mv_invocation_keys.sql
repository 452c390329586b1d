-- trace_index_mv (0103) also collects each trace's invocation keys (0123): faas.invocation_id, else the span id of
-- a function's server or consumer span, which is how the writer keys invocation rows (a superset: a server span
-- that is not an entry adds a key no row has, and a lookup of it finds nothing). MODIFY QUERY swaps the view's
-- query atomically, so inserts running during the migration are indexed by one query or the other, never neither.
ALTER TABLE ${database}.trace_index_mv MODIFY QUERY
SELECT tenant, trace_id, first_start AS start_time, last_end AS end_time, span_count AS spans,
       invocation_keys AS invocations, toUInt8(1) AS invocations_indexed
FROM
(
    SELECT tenant, trace_id, min(start_time) AS first_start,
           max(start_time + toIntervalNanosecond(duration_ns)) AS last_end, count() AS span_count,
           groupUniqArrayIf((toString(function), if(invocation_id != '', invocation_id, lower(hex(span_id)))),
                            function != '' AND (invocation_id != '' OR kind IN ('server', 'consumer'))) AS invocation_keys
    FROM ${database}.spans
    GROUP BY tenant, trace_id
)
