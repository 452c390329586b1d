-- trace_edges was created without codecs, so its columns took ClickHouse's default, LZ4, which keeps random hex ids
-- at three quarters of their size: LZ4 finds no repeats in them and has no entropy coding for their 16 symbols.
-- ZSTD does. Measured on the writer benchmark's 2M spans (writer/RATIONALE.md): peer 28.8 -> 16.0 and node 15.1 ->
-- 8.2 bytes per span; start_time 4.2 -> 3.8 without Delta (rows are in node order, so neighbouring times are
-- random and their deltas lose the common high bytes). 165.5 -> 145.5 bytes per span in all, inserts no slower.
-- A codec change rewrites nothing: parts written before keep LZ4 until they are merged.
ALTER TABLE ${database}.trace_edges
    MODIFY COLUMN node String CODEC(ZSTD(1)),
    MODIFY COLUMN peer String CODEC(ZSTD(1)),
    MODIFY COLUMN start_time DateTime64(9) CODEC(ZSTD(1))
