-- The invocation rows of each trace, as keys (function, invocation id) the way the writer keys them: a trace by id
-- or a transaction then reads its invocations by primary key right after the trace_index lookup it makes anyway,
-- instead of reading the trace's spans a second time to find the keys (measured on 10M spans: the three statements
-- of a trace by id p50 22.5 ms instead of 26.7; query-api/RATIONALE.md). `invocations_indexed` tells rows written
-- since 0124 (1) from older ones (0, the default of parts written before), whose traces fall back to the keys in
-- their spans. It folds with min: a trace written partly before the upgrade keeps 0 through merges, so its keys,
-- which would miss the invocations of that part, are never trusted.
ALTER TABLE ${database}.trace_index
    ADD COLUMN IF NOT EXISTS invocations SimpleAggregateFunction(groupUniqArrayArray, Array(Tuple(String, String))) CODEC(ZSTD(1)),
    ADD COLUMN IF NOT EXISTS invocations_indexed SimpleAggregateFunction(min, UInt8) CODEC(ZSTD(1))
