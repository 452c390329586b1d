-- trace_edges keeps a messaging span's trace -> message row only: the way back, from a message to every trace that
-- produced or consumed it, is a primary-key lookup in `messages` itself (ORDER BY tenant, message_id;
-- select_message_peers.sql), which held the same pairs. On the writer benchmark's mix (2M spans, 454,590 message
-- rows) trace_edges took 30.9 bytes per span on disk with both rows, the largest index after trace_index. Rows
-- written before stay until their TTL and are no longer read (a message node is not looked up in trace_edges).
ALTER TABLE ${database}.trace_edges_messages_mv MODIFY QUERY
SELECT tenant, lower(hex(trace_id)) AS node, concat('m:', message_id) AS peer, start_time
FROM ${database}.messages
