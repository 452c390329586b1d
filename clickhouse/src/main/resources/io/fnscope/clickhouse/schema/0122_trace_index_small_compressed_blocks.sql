-- As 0121 for spans: every read of trace_index is a lookup of a few trace ids, one granule each.
ALTER TABLE ${database}.trace_index MODIFY SETTING min_compress_block_size = 4096, max_compress_block_size = 65536
