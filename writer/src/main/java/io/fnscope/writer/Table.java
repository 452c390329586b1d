package io.fnscope.writer;

import io.fnscope.clickhouse.Column;

import java.util.ArrayList;
import java.util.List;

/**
 * The tables the writer inserts into, with every column in the order the encoders write it: the order and the types
 * of {@code io/fnscope/clickhouse/schema/01xx_*.sql}. {@link SchemaCheck} compares these lists with
 * {@code system.columns} at start-up, so a schema edited without the writer (or the other way round) stops the
 * writer with a message instead of writing shifted columns.
 *
 * <p>The materialized views ({@code trace_index}, {@code span_links}, {@code messages}, {@code function_minute})
 * are filled by ClickHouse from {@code spans} and {@code invocations}; the writer never inserts into them.
 * {@code edges_minute} is filled by a view on {@link #EDGE_CALLS}, a Null table the writer inserts into.
 * {@link #WRITTEN_BATCHES} is the writer's own record of the batch ids it stored: one insert per flush, after the
 * telemetry inserts, not per source partition.
 */
enum Table {
    SPANS("spans",
            "tenant", "LowCardinality(String)",
            "trace_id", "FixedString(16)",
            "span_id", "FixedString(8)",
            "parent_span_id", "FixedString(8)",
            "trace_state", "String",
            "flags", "UInt32",
            "name", "LowCardinality(String)",
            "kind", Enums.SPAN_KIND,
            "start_time", "DateTime64(9)",
            "duration_ns", "UInt64",
            "status_code", "Enum8('unset' = 0, 'ok' = 1, 'error' = 2)",
            "status_message", "String",
            "service", "LowCardinality(String)",
            "function", "LowCardinality(String)",
            "invocation_id", "String",
            "scope_name", "LowCardinality(String)",
            "scope_version", "LowCardinality(String)",
            "resource_attributes", "Map(LowCardinality(String), LowCardinality(String))",
            "resource_attribute_types", Enums.ATTRIBUTE_TYPES,
            "attributes", "Map(LowCardinality(String), String)",
            "attribute_types", Enums.ATTRIBUTE_TYPES,
            "events_time", "Array(DateTime64(9))",
            "events_name", "Array(LowCardinality(String))",
            "events_attributes", "Array(Map(LowCardinality(String), String))",
            "links_trace_id", "Array(FixedString(16))",
            "links_span_id", "Array(FixedString(8))",
            "links_trace_state", "Array(String)",
            "links_attributes", "Array(Map(LowCardinality(String), String))",
            "dropped_attributes_count", "UInt32",
            "dropped_events_count", "UInt32",
            "dropped_links_count", "UInt32"),

    INVOCATIONS("invocations",
            "tenant", "LowCardinality(String)",
            "function", "LowCardinality(String)",
            "invocation_id", "String",
            "start_time", "SimpleAggregateFunction(min, DateTime64(9))",
            "provider", "SimpleAggregateFunction(max, LowCardinality(String))",
            "region", "SimpleAggregateFunction(max, LowCardinality(String))",
            "architecture", "SimpleAggregateFunction(max, LowCardinality(String))",
            "function_version", "SimpleAggregateFunction(max, LowCardinality(String))",
            "service", "SimpleAggregateFunction(max, LowCardinality(String))",
            "trigger", "SimpleAggregateFunction(max, LowCardinality(String))",
            "route", "SimpleAggregateFunction(max, LowCardinality(String))",
            "trace_id", "SimpleAggregateFunction(max, FixedString(16))",
            "span_id", "SimpleAggregateFunction(max, FixedString(8))",
            "memory_mb", "SimpleAggregateFunction(max, UInt32)",
            "span_duration_ns", "SimpleAggregateFunction(max, Nullable(UInt64))",
            "duration_ms", "SimpleAggregateFunction(max, Nullable(Float64))",
            "billed_duration_ms", "SimpleAggregateFunction(max, Nullable(UInt32))",
            "init_duration_ms", "SimpleAggregateFunction(max, Nullable(Float64))",
            "cold_start", "SimpleAggregateFunction(max, UInt8)",
            "status", "SimpleAggregateFunction(max, Enum8('unknown' = 0, 'ok' = 1, 'error' = 2, 'timeout' = 3))",
            "error_message", "SimpleAggregateFunction(max, String)",
            "max_memory_used_mb", "SimpleAggregateFunction(max, Nullable(UInt32))",
            "cost_estimate_usd", "SimpleAggregateFunction(max, Nullable(Decimal(18, 12)))",
            "cost_exact_usd", "SimpleAggregateFunction(max, Nullable(Decimal(18, 12)))",
            "cost_flags", "SimpleAggregateFunction(groupBitOr, UInt32)",
            "catalog_version", "SimpleAggregateFunction(max, LowCardinality(String))",
            "has_span", "SimpleAggregateFunction(max, UInt8)",
            "has_report", "SimpleAggregateFunction(max, UInt8)"),

    /** The service-map edges of the spans (0130_edge_calls.sql, {@code io.fnscope.clickhouse.ServiceEdges}). */
    EDGE_CALLS("edge_calls",
            "tenant", "LowCardinality(String)",
            "minute", "DateTime",
            "source_type", "LowCardinality(String)",
            "source", "LowCardinality(String)",
            "target_type", "LowCardinality(String)",
            "target", "LowCardinality(String)",
            "error", "UInt8",
            "call_duration_ms", "Float64"),

    METRIC_POINTS("metric_points",
            "tenant", "LowCardinality(String)",
            "metric_name", "LowCardinality(String)",
            "metric_type", "Enum8('gauge' = 1, 'sum' = 2, 'histogram' = 3, 'exponential_histogram' = 4, 'summary' = 5)",
            "unit", "LowCardinality(String)",
            "description", "LowCardinality(String)",
            "service", "LowCardinality(String)",
            "function", "LowCardinality(String)",
            "time", "DateTime64(9)",
            "start_time", "DateTime64(9)",
            "temporality", "Enum8('unspecified' = 0, 'delta' = 1, 'cumulative' = 2)",
            "is_monotonic", "UInt8",
            "value", "Float64",
            "count", "UInt64",
            "sum", "Float64",
            "min", "Nullable(Float64)",
            "max", "Nullable(Float64)",
            "bucket_counts", "Array(UInt64)",
            "explicit_bounds", "Array(Float64)",
            "exp_scale", "Int32",
            "exp_zero_count", "UInt64",
            "exp_positive_offset", "Int32",
            "exp_positive_counts", "Array(UInt64)",
            "exp_negative_offset", "Int32",
            "exp_negative_counts", "Array(UInt64)",
            "quantiles", "Array(Float64)",
            "quantile_values", "Array(Float64)",
            "flags", "UInt32",
            "scope_name", "LowCardinality(String)",
            "resource_attributes", "Map(LowCardinality(String), LowCardinality(String))",
            "attributes", "Map(LowCardinality(String), String)"),

    LOGS("logs",
            "tenant", "LowCardinality(String)",
            "time", "DateTime64(9)",
            "observed_time", "DateTime64(9)",
            "service", "LowCardinality(String)",
            "function", "LowCardinality(String)",
            "severity_number", "UInt8",
            "severity_text", "LowCardinality(String)",
            "body", "String",
            "trace_id", "FixedString(16)",
            "span_id", "FixedString(8)",
            "flags", "UInt32",
            "event_name", "LowCardinality(String)",
            "scope_name", "LowCardinality(String)",
            "resource_attributes", "Map(LowCardinality(String), LowCardinality(String))",
            "attributes", "Map(LowCardinality(String), String)"),

    LAMBDA_PLATFORM_EVENTS("lambda_platform_events",
            "tenant", "LowCardinality(String)",
            "function", "LowCardinality(String)",
            "time", "DateTime64(9)",
            "type", "LowCardinality(String)",
            "request_id", "String",
            "region", "LowCardinality(String)",
            "log_stream", "String",
            "record", "String"),

    /** The batch ids of the records stored (0120_written_batches.sql), to drop a record re-sent by an exporter. */
    WRITTEN_BATCHES("written_batches",
            "tenant", "LowCardinality(String)",
            "batch_id", "UUID",
            "signal", "LowCardinality(String)",
            "written_at", "DateTime");

    private final String tableName;
    private final List<Column> columns;

    Table(String tableName, String... namesAndTypes) {
        this.tableName = tableName;
        List<Column> cs = new ArrayList<>(namesAndTypes.length / 2);
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            cs.add(Column.of(namesAndTypes[i], namesAndTypes[i + 1]));
        }
        this.columns = List.copyOf(cs);
    }

    /** The table's name in fnscope's database. */
    String tableName() {
        return tableName;
    }

    /** Every column, in the order the rows are written. */
    List<Column> columns() {
        return columns;
    }

    /** Type texts too long to repeat. */
    private static final class Enums {
        static final String SPAN_KIND = "Enum8('unspecified' = 0, 'internal' = 1, 'server' = 2, 'client' = 3, "
                + "'producer' = 4, 'consumer' = 5)";
        static final String ATTRIBUTE_TYPES = "Map(LowCardinality(String), Enum8('int' = 1, 'double' = 2, 'bool' = 3, "
                + "'bytes' = 4, 'array' = 5, 'kvlist' = 6))";
    }
}
