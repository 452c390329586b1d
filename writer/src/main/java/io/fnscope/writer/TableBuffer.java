package io.fnscope.writer;

import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.clickhouse.RowBinaryBody;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one table for one source partition's batch, column by column: what one INSERT sends, as one
 * ClickHouse Native block (column count, row count, then per column its name, its type and its data).
 *
 * <p>Why Native and not RowBinary: ClickHouse parses RowBinary value by value and Native column by column. For
 * span rows (31 columns, ~30 map entries per row) parsing alone took 1.2 s per 100k rows in RowBinary and
 * 0.1-0.17 s in Native, and the whole insert into {@code spans} with its views went from 1.7 s to 0.7-1.0 s
 * (writer/RATIONALE.md). The block declares plain types (String where the table has LowCardinality(String), the
 * inner type of a SimpleAggregateFunction); ClickHouse converts them on insert.
 *
 * <p>Rows are appended record by record: {@link #begin} marks every column, {@link #rollback} cuts a record that
 * failed half-way, {@link #commit} keeps it and remembers which record wrote how many rows (for the record-by-record
 * fallback). The buffers are reused across batches ({@link #clear}).
 */
abstract class TableBuffer {
    final Table table;
    private final List<NativeColumn> columns = new ArrayList<>();
    private final List<Column> wireColumns = new ArrayList<>();
    private long rows;
    private long openRows;
    private int[] recordIndex = new int[16];
    private int[] recordRows = new int[16];
    private int records;

    TableBuffer(Table table) {
        this.table = table;
        for (Column c : table.columns()) {
            String wire = wireType(c.type());
            wireColumns.add(Column.of(c.name(), wire));
            columns.add(column(c.name(), wire));
        }
    }

    static TableBuffer of(Table t) {
        return switch (t) {
            case SPANS -> new Spans();
            case INVOCATIONS -> new Invocations();
            case EDGE_CALLS -> new EdgeCalls();
            case METRIC_POINTS -> new MetricPoints();
            case LOGS -> new Logs();
            case LAMBDA_PLATFORM_EVENTS -> new PlatformEvents();
            case WRITTEN_BATCHES -> new WrittenBatches();
        };
    }

    /** The insert's column list: names in table order, with the types the block declares. */
    List<Column> wireColumns() {
        return wireColumns;
    }

    /** Starts the rows of record {@code index} of the batch. */
    void begin(int index) {
        for (NativeColumn c : columns) {
            c.mark();
        }
        openRows = rows;
        if (records == recordIndex.length) {
            recordIndex = Arrays.copyOf(recordIndex, records * 2);
            recordRows = Arrays.copyOf(recordRows, records * 2);
        }
        recordIndex[records] = index;
    }

    /** One more row was written (every column got its value). */
    void row() {
        rows++;
    }

    /** Keeps the open record's rows. */
    void commit() {
        int n = (int) (rows - openRows);
        if (n > 0) {
            recordRows[records] = n;
            records++;
        }
    }

    /** Drops whatever the open record wrote (it could not be decoded to the end). */
    void rollback() {
        for (NativeColumn c : columns) {
            c.rollback();
        }
        rows = openRows;
    }

    long rows() {
        return rows;
    }

    long byteSize() {
        long n = 0;
        for (NativeColumn c : columns) {
            n += c.byteSize();
        }
        return n;
    }

    boolean isEmpty() {
        return rows == 0;
    }

    /** Records that wrote rows here. */
    int recordCount() {
        return records;
    }

    /** Index in the partition batch of the {@code i}-th record that wrote rows here. */
    int recordIndexAt(int i) {
        return recordIndex[i];
    }

    int recordRowsAt(int i) {
        return recordRows[i];
    }

    /** Every row as one Native block. The body may be written several times (retries) and writes the same bytes. */
    RowBinaryBody body() {
        long n = rows;
        return out -> {
            out.varint(columns.size()).varint(n);
            for (NativeColumn c : columns) {
                out.string(c.name).string(c.type);
                c.writeData(out);
            }
        };
    }

    /** Empties the buffer for the next batch, keeping its arrays. */
    void clear() {
        for (NativeColumn c : columns) {
            c.clear();
        }
        rows = 0;
        openRows = 0;
        records = 0;
    }

    // ---- column lookup for the typed subclasses ----------------------------------------------------------------

    private NativeColumn find(String name) {
        for (NativeColumn c : columns) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        throw new IllegalStateException("table " + table.tableName() + " has no column " + name);
    }

    final Bytes plain(String name) {
        return ((NativeColumn.Plain) find(name)).data;
    }

    final NativeColumn.Nullable nullable(String name) {
        return (NativeColumn.Nullable) find(name);
    }

    final NativeColumn.Array array(String name) {
        return (NativeColumn.Array) find(name);
    }

    final NativeColumn.MapData map(String name) {
        return ((NativeColumn.MapColumn) find(name)).map;
    }

    final NativeColumn.MapArray mapArray(String name) {
        return (NativeColumn.MapArray) find(name);
    }

    private static NativeColumn column(String name, String wire) {
        if (wire.startsWith("Map(")) {
            return new NativeColumn.MapColumn(name, wire);
        } else if (wire.startsWith("Array(Map(")) {
            return new NativeColumn.MapArray(name, wire);
        } else if (wire.startsWith("Array(")) {
            return new NativeColumn.Array(name, wire);
        } else if (wire.startsWith("Nullable(")) {
            String inner = wire.substring("Nullable(".length(), wire.length() - 1);
            return new NativeColumn.Nullable(name, wire, inner.equals("UInt32") ? 4 : 8);
        }
        return new NativeColumn.Plain(name, wire);
    }

    /**
     * The type a block declares for a table type: without LowCardinality (the block holds plain values; ClickHouse
     * builds the dictionaries) and without SimpleAggregateFunction (whose values are those of its type).
     */
    static String wireType(String type) {
        String t = type;
        if (t.startsWith("SimpleAggregateFunction(")) {
            int comma = t.indexOf(',');
            t = t.substring(comma + 1, t.length() - 1).trim();
        }
        int i;
        while ((i = t.indexOf("LowCardinality(")) >= 0) {
            int depth = 0;
            int close = -1;
            for (int j = i + "LowCardinality".length(); j < t.length(); j++) {
                char ch = t.charAt(j);
                if (ch == '(') {
                    depth++;
                } else if (ch == ')' && --depth == 0) {
                    close = j;
                    break;
                }
            }
            t = t.substring(0, i) + t.substring(i + "LowCardinality(".length(), close) + t.substring(close + 1);
        }
        return t;
    }

    // ---- the tables ---------------------------------------------------------------------------------------------

    /** {@code spans} (0101_spans.sql). */
    static final class Spans extends TableBuffer {
        final Bytes tenant = plain("tenant");
        final Bytes traceId = plain("trace_id");
        final Bytes spanId = plain("span_id");
        final Bytes parentSpanId = plain("parent_span_id");
        final Bytes traceState = plain("trace_state");
        final Bytes flags = plain("flags");
        final Bytes name = plain("name");
        final Bytes kind = plain("kind");
        final Bytes startTime = plain("start_time");
        final Bytes durationNs = plain("duration_ns");
        final Bytes statusCode = plain("status_code");
        final Bytes statusMessage = plain("status_message");
        final Bytes service = plain("service");
        final Bytes function = plain("function");
        final Bytes invocationId = plain("invocation_id");
        final Bytes scopeName = plain("scope_name");
        final Bytes scopeVersion = plain("scope_version");
        final NativeColumn.MapData resourceAttributes = map("resource_attributes");
        final NativeColumn.MapData resourceAttributeTypes = map("resource_attribute_types");
        final NativeColumn.MapData attributes = map("attributes");
        final NativeColumn.MapData attributeTypes = map("attribute_types");
        final NativeColumn.Array eventsTime = array("events_time");
        final NativeColumn.Array eventsName = array("events_name");
        final NativeColumn.MapArray eventsAttributes = mapArray("events_attributes");
        final NativeColumn.Array linksTraceId = array("links_trace_id");
        final NativeColumn.Array linksSpanId = array("links_span_id");
        final NativeColumn.Array linksTraceState = array("links_trace_state");
        final NativeColumn.MapArray linksAttributes = mapArray("links_attributes");
        final Bytes droppedAttributes = plain("dropped_attributes_count");
        final Bytes droppedEvents = plain("dropped_events_count");
        final Bytes droppedLinks = plain("dropped_links_count");
        /**
         * Per tenant, how the batch's spans connect their traces to others ({@link TraceRows#addEdges}): what the
         * writer tells its {@code ConnectedTracesListener} after the flush. Rows of a record rolled back stay in it,
         * which is harmless: the edges are an accelerator's input.
         */
        final Map<String, List<ConnectedTracesListener.Edge>> edges = new HashMap<>();

        Spans() {
            super(Table.SPANS);
        }

        List<ConnectedTracesListener.Edge> edges(String tenant) {
            return edges.computeIfAbsent(tenant, t -> new ArrayList<>());
        }

        @Override
        void clear() {
            super.clear();
            edges.clear();
        }
    }

    /** {@code invocations} (0110_invocations.sql). */
    static final class Invocations extends TableBuffer {
        final Bytes tenant = plain("tenant");
        final Bytes function = plain("function");
        final Bytes invocationId = plain("invocation_id");
        final Bytes startTime = plain("start_time");
        final Bytes provider = plain("provider");
        final Bytes region = plain("region");
        final Bytes architecture = plain("architecture");
        final Bytes functionVersion = plain("function_version");
        final Bytes service = plain("service");
        final Bytes trigger = plain("trigger");
        final Bytes route = plain("route");
        final Bytes traceId = plain("trace_id");
        final Bytes spanId = plain("span_id");
        final Bytes memoryMb = plain("memory_mb");
        final NativeColumn.Nullable spanDurationNs = nullable("span_duration_ns");
        final NativeColumn.Nullable durationMs = nullable("duration_ms");
        final NativeColumn.Nullable billedDurationMs = nullable("billed_duration_ms");
        final NativeColumn.Nullable initDurationMs = nullable("init_duration_ms");
        final Bytes coldStart = plain("cold_start");
        final Bytes status = plain("status");
        final Bytes errorMessage = plain("error_message");
        final NativeColumn.Nullable maxMemoryUsedMb = nullable("max_memory_used_mb");
        final NativeColumn.Nullable costEstimateUsd = nullable("cost_estimate_usd");
        final NativeColumn.Nullable costExactUsd = nullable("cost_exact_usd");
        final Bytes costFlags = plain("cost_flags");
        final Bytes catalogVersion = plain("catalog_version");
        final Bytes hasSpan = plain("has_span");
        final Bytes hasReport = plain("has_report");

        Invocations() {
            super(Table.INVOCATIONS);
        }
    }

    /** {@code edge_calls} (0130_edge_calls.sql): one row per service-map edge of a span. */
    static final class EdgeCalls extends TableBuffer {
        final Bytes tenant = plain("tenant");
        final Bytes minute = plain("minute");
        final Bytes sourceType = plain("source_type");
        final Bytes source = plain("source");
        final Bytes targetType = plain("target_type");
        final Bytes target = plain("target");
        final Bytes error = plain("error");
        final Bytes callDurationMs = plain("call_duration_ms");

        EdgeCalls() {
            super(Table.EDGE_CALLS);
        }
    }

    /** {@code metric_points} (0115_metric_points.sql). */
    static final class MetricPoints extends TableBuffer {
        final Bytes tenant = plain("tenant");
        final Bytes metricName = plain("metric_name");
        final Bytes metricType = plain("metric_type");
        final Bytes unit = plain("unit");
        final Bytes description = plain("description");
        final Bytes service = plain("service");
        final Bytes function = plain("function");
        final Bytes time = plain("time");
        final Bytes startTime = plain("start_time");
        final Bytes temporality = plain("temporality");
        final Bytes isMonotonic = plain("is_monotonic");
        final Bytes value = plain("value");
        final Bytes count = plain("count");
        final Bytes sum = plain("sum");
        final NativeColumn.Nullable min = nullable("min");
        final NativeColumn.Nullable max = nullable("max");
        final NativeColumn.Array bucketCounts = array("bucket_counts");
        final NativeColumn.Array explicitBounds = array("explicit_bounds");
        final Bytes expScale = plain("exp_scale");
        final Bytes expZeroCount = plain("exp_zero_count");
        final Bytes expPositiveOffset = plain("exp_positive_offset");
        final NativeColumn.Array expPositiveCounts = array("exp_positive_counts");
        final Bytes expNegativeOffset = plain("exp_negative_offset");
        final NativeColumn.Array expNegativeCounts = array("exp_negative_counts");
        final NativeColumn.Array quantiles = array("quantiles");
        final NativeColumn.Array quantileValues = array("quantile_values");
        final Bytes flags = plain("flags");
        final Bytes scopeName = plain("scope_name");
        final NativeColumn.MapData resourceAttributes = map("resource_attributes");
        final NativeColumn.MapData attributes = map("attributes");

        MetricPoints() {
            super(Table.METRIC_POINTS);
        }
    }

    /** {@code logs} (0116_logs.sql). */
    static final class Logs extends TableBuffer {
        final Bytes tenant = plain("tenant");
        final Bytes time = plain("time");
        final Bytes observedTime = plain("observed_time");
        final Bytes service = plain("service");
        final Bytes function = plain("function");
        final Bytes severityNumber = plain("severity_number");
        final Bytes severityText = plain("severity_text");
        final Bytes body = plain("body");
        final Bytes traceId = plain("trace_id");
        final Bytes spanId = plain("span_id");
        final Bytes flags = plain("flags");
        final Bytes eventName = plain("event_name");
        final Bytes scopeName = plain("scope_name");
        final NativeColumn.MapData resourceAttributes = map("resource_attributes");
        final NativeColumn.MapData attributes = map("attributes");

        Logs() {
            super(Table.LOGS);
        }
    }

    /** {@code lambda_platform_events} (0117_lambda_platform_events.sql). */
    static final class PlatformEvents extends TableBuffer {
        final Bytes tenant = plain("tenant");
        final Bytes function = plain("function");
        final Bytes time = plain("time");
        final Bytes type = plain("type");
        final Bytes requestId = plain("request_id");
        final Bytes region = plain("region");
        final Bytes logStream = plain("log_stream");
        final Bytes record = plain("record");

        PlatformEvents() {
            super(Table.LAMBDA_PLATFORM_EVENTS);
        }
    }

    /** {@code written_batches} (0120_written_batches.sql): one row per stored record, written once per flush. */
    static final class WrittenBatches extends TableBuffer {
        final Bytes tenant = plain("tenant");
        final Bytes batchId = plain("batch_id");
        final Bytes signal = plain("signal");
        final Bytes writtenAt = plain("written_at");

        WrittenBatches() {
            super(Table.WRITTEN_BATCHES);
        }

        /** One row; a UUID is two UInt64 halves, most significant first, each little-endian. */
        void add(String tenantName, java.util.UUID id, String signalName, long epochSeconds) {
            tenant.string(tenantName);
            batchId.u64(id.getMostSignificantBits()).u64(id.getLeastSignificantBits());
            signal.string(signalName);
            writtenAt.u32(epochSeconds);
            row();
        }
    }
}
