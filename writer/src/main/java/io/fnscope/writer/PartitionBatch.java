package io.fnscope.writer;

import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.pipeline.Signal;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The records of one source partition taken since its last flush, and the rows they produced, one
 * {@link TableBuffer} per table. Its offset range [{@link #firstOffset()}, {@link #lastOffset()}] names its inserts
 * (the deduplication tokens) and is what the writer commits; every record in the range is either in the rows,
 * dead-lettered, or a duplicate (its batch id was already written: no rows).
 */
final class PartitionBatch {
    final TopicPartition partition;
    final Signal signal;
    private final EnumMap<Table, TableBuffer> tables = new EnumMap<>(Table.class);
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    /** Per record: when the collector accepted it (0 = unknown) and the items its header announced. */
    private long[] receivedAt = new long[64];
    private int[] items = new int[64];
    /** Per record: its tenant and {@code fnscope-batch-id} (null until its headers decoded). */
    private String[] tenants = new String[64];
    private UUID[] batchIds = new UUID[64];
    private final BitSet deadLettered = new BitSet();
    private final BitSet duplicates = new BitSet();
    private long firstOffset = -1;
    private long lastOffset = -1;
    private long openedAt;

    PartitionBatch(TopicPartition partition, Signal signal) {
        this.partition = partition;
        this.signal = signal;
    }

    /** Takes a record into the batch; returns its index. */
    int add(ConsumerRecord<byte[], byte[]> r, long now) {
        if (records.isEmpty()) {
            firstOffset = r.offset();
            openedAt = now;
        }
        lastOffset = r.offset();
        int i = records.size();
        records.add(r);
        if (i == receivedAt.length) {
            receivedAt = Arrays.copyOf(receivedAt, i * 2);
            items = Arrays.copyOf(items, i * 2);
            tenants = Arrays.copyOf(tenants, i * 2);
            batchIds = Arrays.copyOf(batchIds, i * 2);
        }
        receivedAt[i] = 0;
        items[i] = 0;
        tenants[i] = null;
        batchIds[i] = null;
        return i;
    }

    /** What the record's headers said, once they decoded. */
    void describe(int index, long receivedAtMillis, int itemCount, String tenant, UUID batchId) {
        receivedAt[index] = receivedAtMillis;
        items[index] = itemCount;
        tenants[index] = tenant;
        batchIds[index] = batchId;
    }

    void deadLettered(int index) {
        deadLettered.set(index);
    }

    boolean isDeadLettered(int index) {
        return deadLettered.get(index);
    }

    /** The record's batch id was already written (or repeats an earlier record of this batch): it gets no rows. */
    void duplicate(int index) {
        duplicates.set(index);
    }

    boolean isDuplicate(int index) {
        return duplicates.get(index);
    }

    /** The record's {@code fnscope-tenant}, null when its headers did not decode. */
    String tenant(int index) {
        return tenants[index];
    }

    /** The record's {@code fnscope-batch-id}, null when its headers did not decode. */
    UUID batchId(int index) {
        return batchIds[index];
    }

    TableBuffer table(Table t) {
        return tables.computeIfAbsent(t, TableBuffer::of);
    }

    TableBuffer.Spans spans() {
        return (TableBuffer.Spans) table(Table.SPANS);
    }

    /** Per tenant, how the batch's spans connect their traces to others ({@link TableBuffer.Spans#edges}). */
    Map<String, List<ConnectedTracesListener.Edge>> traceEdges() {
        TableBuffer t = tables.get(Table.SPANS);
        return t == null ? Map.of() : ((TableBuffer.Spans) t).edges;
    }

    TableBuffer.Invocations invocations() {
        return (TableBuffer.Invocations) table(Table.INVOCATIONS);
    }

    TableBuffer.EdgeCalls edgeCalls() {
        return (TableBuffer.EdgeCalls) table(Table.EDGE_CALLS);
    }

    TableBuffer.MetricPoints metricPoints() {
        return (TableBuffer.MetricPoints) table(Table.METRIC_POINTS);
    }

    TableBuffer.Logs logs() {
        return (TableBuffer.Logs) table(Table.LOGS);
    }

    TableBuffer.PlatformEvents platformEvents() {
        return (TableBuffer.PlatformEvents) table(Table.LAMBDA_PLATFORM_EVENTS);
    }

    /** Tables with rows, in {@link Table} order. */
    List<TableBuffer> tablesWithRows() {
        List<TableBuffer> l = new ArrayList<>(2);
        for (TableBuffer b : tables.values()) {
            if (!b.isEmpty()) {
                l.add(b);
            }
        }
        return l;
    }

    ConsumerRecord<byte[], byte[]> record(int index) {
        return records.get(index);
    }

    int recordCount() {
        return records.size();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    long firstOffset() {
        return firstOffset;
    }

    long lastOffset() {
        return lastOffset;
    }

    /** Clock time of the first record, for the time-based flush. */
    long openedAt() {
        return openedAt;
    }

    long receivedAt(int index) {
        return receivedAt[index];
    }

    int items(int index) {
        return items[index];
    }

    long rows() {
        long n = 0;
        for (TableBuffer b : tables.values()) {
            n += b.rows();
        }
        return n;
    }

    long bytes() {
        long n = 0;
        for (TableBuffer b : tables.values()) {
            n += b.byteSize();
        }
        return n;
    }

    /** Empties the table buffers (the records stay), to append the rows again without the duplicates. */
    void clearRows() {
        for (TableBuffer b : tables.values()) {
            b.clear();
        }
    }

    /**
     * Keeps only the first {@code n} records (at least one); the rows must be appended again
     * ({@link #clearRows()}).
     */
    void truncate(int n) {
        if (n < 1 || n > records.size()) {
            throw new IllegalArgumentException("cannot keep " + n + " of " + records.size() + " records");
        }
        for (int i = n; i < records.size(); i++) {
            tenants[i] = null;
            batchIds[i] = null;
        }
        records.subList(n, records.size()).clear();
        deadLettered.clear(n, Math.max(n, deadLettered.length()));
        duplicates.clear(n, Math.max(n, duplicates.length()));
        lastOffset = records.get(n - 1).offset();
    }

    /** Empties the batch for reuse, keeping the buffers' arrays. */
    void clear() {
        for (TableBuffer b : tables.values()) {
            b.clear();
        }
        Arrays.fill(tenants, 0, records.size(), null);
        Arrays.fill(batchIds, 0, records.size(), null);
        records.clear();
        deadLettered.clear();
        duplicates.clear();
        firstOffset = -1;
        lastOffset = -1;
    }
}
