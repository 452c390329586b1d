-- Which trace continues which, for spans starting in [from, to): a span of `downstream` links to a span of
-- `upstream` (span_links), or a producer span of `upstream` and a consumer span of `downstream` carry the same
-- message id (messages). One row per pair.
SELECT upstream, downstream
FROM (
    SELECT lower(hex(linked_trace_id)) AS upstream, lower(hex(trace_id)) AS downstream
    FROM ${database}.span_links
    WHERE tenant = {tenant:String}
      AND start_time >= {from:DateTime64(9)}
      AND start_time < {to:DateTime64(9)}
      AND trace_id != linked_trace_id
    UNION ALL
    SELECT lower(hex(p.trace_id)) AS upstream, lower(hex(c.trace_id)) AS downstream
    FROM (
        SELECT message_id, trace_id
        FROM ${database}.messages
        WHERE tenant = {tenant:String}
          AND start_time >= {from:DateTime64(9)}
          AND start_time < {to:DateTime64(9)}
          AND kind = 'producer') AS p
    INNER JOIN (
        SELECT message_id, trace_id
        FROM ${database}.messages
        WHERE tenant = {tenant:String}
          AND start_time >= {from:DateTime64(9)}
          AND start_time < {to:DateTime64(9)}
          AND kind != 'producer') AS c
    ON p.message_id = c.message_id
    WHERE p.trace_id != c.trace_id)
GROUP BY upstream, downstream
LIMIT {limit:UInt32}
