-- One row per service-map edge a stored span stands for (io.fnscope.clickhouse.ServiceEdges), inserted by the
-- writer beside the span rows, under its own deduplication token. A Null table: nothing is kept here; the view 0131
-- folds each insert into edges_minute. Before, the view 0114 derived the edges from every spans insert in SQL, with
-- a dozen map lookups per span: 11 % of the writer's CPU at full load (writer/RATIONALE.md).
CREATE TABLE IF NOT EXISTS ${database}.edge_calls
(
    tenant           LowCardinality(String),
    minute           DateTime,
    source_type      LowCardinality(String),
    source           LowCardinality(String),
    target_type      LowCardinality(String),
    target           LowCardinality(String),
    error            UInt8,
    call_duration_ms Float64
)
ENGINE = Null
