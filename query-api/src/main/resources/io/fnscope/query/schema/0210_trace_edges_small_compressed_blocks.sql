-- As 0121 for spans: every read of trace_edges is a lookup of a few nodes, one granule each.
ALTER TABLE ${database}.trace_edges MODIFY SETTING min_compress_block_size = 4096, max_compress_block_size = 65536
