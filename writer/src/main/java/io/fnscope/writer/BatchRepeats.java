package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Repeats by batch id: an exporter that got 503 re-sends its whole request, and the records of it that had landed
 * arrive again as new records (new offsets, maybe another partition) with the same {@code fnscope-batch-id}.
 * Deduplication tokens cannot see that. So each flush, before its plan, looks its records' (tenant, batch id) up in
 * {@code written_batches} (one query) and skips those found ({@link #drop}); after all its telemetry inserts it
 * writes the ids it stored there ({@link #write}), before its offsets are committed. writer/RATIONALE.md ("Repeats
 * by batch id") says why this order loses nothing and writes nothing twice.
 */
final class BatchRepeats {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRepeats.class);
    /** Batch ids per look-up statement: a flush normally has fewer; bounds the parameter text (~45 bytes per id). */
    static final int LOOKUP_CHUNK = 5_000;

    private final ClickHouse clickHouse;
    private final RecordRows rows;
    private final TopicIds topicIds;
    private final WriterMetrics metrics;
    private final Clock clock;
    /** The batch ids of the flush being written; flushes do not overlap, so one buffer serves them all. */
    private final TableBuffer.WrittenBatches writtenBatches = new TableBuffer.WrittenBatches();

    BatchRepeats(ClickHouse clickHouse, RecordRows rows, TopicIds topicIds, WriterMetrics metrics, Clock clock) {
        this.clickHouse = clickHouse;
        this.rows = rows;
        this.topicIds = topicIds;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Marks the records of the flush whose batch id is already stored, or repeats one kept earlier in the flush, as
     * duplicates, and takes their rows out of the batches. One look-up in {@code written_batches} for the whole
     * flush. Runs once per flush, before its plan is committed.
     *
     * <ul>
     *   <li>Found in {@code written_batches}: skipped. Its rows are in ClickHouse (ids are written only after the
     *   rows they name) and the table only grows, so a redelivered batch skips at least what it skipped before.</li>
     *   <li>A repeat of an id kept earlier in the same partition batch: skipped. A redelivery of the batch has the
     *   same records, so it makes the same choice.</li>
     *   <li>A repeat of an id kept by another partition's batch of this flush: not skipped, because nothing durable
     *   would record that choice (a redelivery may group the partitions otherwise). The batch ends just before it
     *   (the rest becomes the partition's next batch in {@code open}, without reading it again) and the next
     *   flush's look-up finds the id. A planned batch cannot end elsewhere than its plan: it keeps the record (the
     *   other copy is then stored too; only an interrupted flush leads there, see the rationale). Planned batches
     *   go first, so an unplanned batch yields to them.</li>
     * </ul>
     */
    void drop(Flush f, OpenBatches open) {
        List<String> tenants = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        Set<BatchKey> asked = new HashSet<>();
        for (PartitionBatch b : f.batches) {
            for (int i = 0; i < b.recordCount(); i++) {
                if (!b.isDeadLettered(i) && b.batchId(i) != null && asked.add(new BatchKey(b.tenant(i), b.batchId(i)))) {
                    tenants.add(b.tenant(i));
                    ids.add(b.batchId(i));
                }
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Set<BatchKey> written = lookUp(tenants, ids);
        List<PartitionBatch> order = new ArrayList<>(f.batches);
        order.sort(Comparator.comparing(b -> !f.planned.contains(b.partition)));
        Map<BatchKey, TopicPartition> kept = new HashMap<>();
        for (PartitionBatch b : order) {
            boolean planned = f.planned.contains(b.partition);
            int skipped = 0;
            int cut = -1;
            for (int i = 0; i < b.recordCount() && cut < 0; i++) {
                if (b.isDeadLettered(i) || b.batchId(i) == null) {
                    continue;
                }
                BatchKey key = new BatchKey(b.tenant(i), b.batchId(i));
                if (written.contains(key)) {
                    b.duplicate(i);
                    skipped++;
                    LOG.debug("Skipping {}-{}@{}: batch id {} of tenant '{}' is already written", b.partition.topic(),
                            b.partition.partition(), b.record(i).offset(), key.id(), key.tenant());
                    continue;
                }
                TopicPartition owner = kept.putIfAbsent(key, b.partition);
                if (owner == null) {
                    continue;
                }
                if (owner.equals(b.partition)) {
                    b.duplicate(i);
                    skipped++;
                    LOG.debug("Skipping {}-{}@{}: batch id {} of tenant '{}' repeats an earlier record of the batch",
                            b.partition.topic(), b.partition.partition(), b.record(i).offset(), key.id(), key.tenant());
                } else if (!planned && !open.contains(b.partition)) {
                    cut = i;
                    LOG.debug("Ending the batch of {} before offset {}: batch id {} of tenant '{}' is in this flush's "
                            + "batch of {}; the next flush skips it", b.partition, b.record(i).offset(), key.id(),
                            key.tenant(), owner);
                }
            }
            if (cut == 0) {
                // Nothing of this batch goes now: all of it is the partition's next batch.
                f.batches.remove(b);
                f.ends.remove(b.partition);
                open.reopen(b);
            } else if (cut > 0) {
                deferTail(b, cut, open);
                f.ends.put(b.partition, b.lastOffset() + 1);
                appendRowsAgain(b);
            } else if (skipped > 0) {
                appendRowsAgain(b);
            }
        }
    }

    /**
     * Writes the batch ids of the records the flush stored into {@code written_batches}: one insert for the whole
     * flush, after every telemetry insert of it succeeded and before its offsets are committed (the order is the
     * point). The token names every batch of the flush; a repeat the token does not catch (the same batches flushed
     * in another grouping) only writes rows that are already there: {@code written_batches} is a set.
     */
    void write(Flush f) {
        TableBuffer.WrittenBatches wb = writtenBatches;
        wb.clear();
        long now = clock.millis() / 1000;
        StringBuilder ranges = new StringBuilder();
        for (PartitionBatch b : f.batches) {
            ranges.append(b.partition.topic()).append(':').append(b.partition.partition()).append(':')
                    .append(b.firstOffset()).append('-').append(b.lastOffset()).append(':')
                    .append(topicIds.idOf(b.partition.topic())).append(';');
            for (int i = 0; i < b.recordCount(); i++) {
                if (!b.isDeadLettered(i) && !b.isDuplicate(i) && b.batchId(i) != null) {
                    wb.add(b.tenant(i), b.batchId(i), b.signal.id(), now);
                }
            }
        }
        if (wb.isEmpty()) {
            return;
        }
        String token = Table.WRITTEN_BATCHES.tableName() + ':'
                + UUID.nameUUIDFromBytes(ranges.toString().getBytes(StandardCharsets.UTF_8));
        long started = System.nanoTime();
        clickHouse.insert(Table.WRITTEN_BATCHES.tableName(), wb.wireColumns(), wb.body(), BatchInserts.options(token));
        metrics.inserted(Table.WRITTEN_BATCHES, wb.rows(), wb.byteSize(), System.nanoTime() - started);
    }

    /** The (tenant, batch id) pairs among these that {@code written_batches} holds. */
    private Set<BatchKey> lookUp(List<String> tenants, List<UUID> ids) {
        long started = System.nanoTime();
        Set<BatchKey> found = new HashSet<>();
        String sql = "SELECT tenant, batch_id FROM " + clickHouse.database() + "." + Table.WRITTEN_BATCHES.tableName()
                + " WHERE (tenant, batch_id) IN arrayZip({tenants:Array(String)}, {ids:Array(UUID)})";
        for (int from = 0; from < ids.size(); from += LOOKUP_CHUNK) {
            int to = Math.min(ids.size(), from + LOOKUP_CHUNK);
            found.addAll(clickHouse.query(sql, Map.of("tenants", tenants.subList(from, to), "ids", ids.subList(from, to)),
                    r -> new BatchKey(r.getString("tenant"), r.getUUID("batch_id"))));
        }
        metrics.batchLookup(System.nanoTime() - started);
        return found;
    }

    /** Moves the records from {@code cut} on into the partition's next (open) batch, dead letters as they were. */
    private void deferTail(PartitionBatch b, int cut, OpenBatches open) {
        PartitionBatch next = open.of(b.partition);
        for (int i = cut; i < b.recordCount(); i++) {
            ConsumerRecord<byte[], byte[]> r = b.record(i);
            int j = next.add(r, b.openedAt());
            if (b.isDeadLettered(i)) {
                next.deadLettered(j);
                next.describe(j, b.receivedAt(i), b.items(i), b.tenant(i), b.batchId(i));
            } else if (rows.append(r, next, j) != null) {
                throw decodedOnce(r);
            }
        }
        b.truncate(cut);
    }

    /** Encodes the batch's rows again, without its dead letters and duplicates (rows are a function of the record). */
    private void appendRowsAgain(PartitionBatch b) {
        b.clearRows();
        for (int i = 0; i < b.recordCount(); i++) {
            if (b.isDeadLettered(i) || b.isDuplicate(i)) {
                continue;
            }
            ConsumerRecord<byte[], byte[]> r = b.record(i);
            if (rows.append(r, b, i) != null) {
                throw decodedOnce(r);
            }
        }
    }

    private static IllegalStateException decodedOnce(ConsumerRecord<byte[], byte[]> r) {
        return new IllegalStateException("record " + r.topic() + "-" + r.partition() + "@" + r.offset()
                + " decoded once but not twice");
    }

    /** A record's identity for repeats: its tenant and {@code fnscope-batch-id}. */
    private record BatchKey(String tenant, UUID id) {
    }
}
