-- Entry requests in [from, to): traces whose root span (no parent) is a server span, with the entry point they
-- count for: "<method> <route>" when the root carries http.route, else the root's function, else
-- "<service> <span name>". (Whether a trace is really an entry, i.e. no other trace leads to it, is decided with
-- the trace edges: a consumer with a server-kind root that links upstream is not an entry.)
SELECT lower(hex(trace_id)) AS trace,
       multiIf(e_route != '', concat(if(e_method != '', concat(e_method, ' '), ''), e_route),
               function != '', function,
               concat(service, ' ', name)) AS entry_point
FROM (
    SELECT trace_id, function, service, name,
           attributes['http.route'] AS e_route,
           if(attributes['http.request.method'] != '', attributes['http.request.method'], attributes['http.method']) AS e_method
    FROM ${database}.spans
    WHERE tenant = {tenant:String}
      AND start_time >= {from:DateTime64(9)}
      AND start_time < {to:DateTime64(9)}
      AND kind = 'server'
      AND parent_span_id = toFixedString(unhex('0000000000000000'), 8))
LIMIT 1 BY trace_id
LIMIT {limit:UInt32}
