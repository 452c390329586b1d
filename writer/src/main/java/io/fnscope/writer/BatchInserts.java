package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.clickhouse.InsertOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INSERTs of a flush, each under a deduplication token that names the batch's offset range, so that ClickHouse
 * drops an insert a redelivered batch repeats, in the table and in every view it feeds.
 */
final class BatchInserts {
    private static final Logger LOG = LoggerFactory.getLogger(BatchInserts.class);
    static final String DEDUPLICATE_VIEWS = "deduplicate_blocks_in_dependent_materialized_views";

    private final ClickHouse clickHouse;
    private final RecordRows rows;
    private final DeadLetters deadLetters;
    private final TopicIds topicIds;
    private final WriterMetrics metrics;

    BatchInserts(ClickHouse clickHouse, RecordRows rows, DeadLetters deadLetters, TopicIds topicIds,
                 WriterMetrics metrics) {
        this.clickHouse = clickHouse;
        this.rows = rows;
        this.deadLetters = deadLetters;
        this.topicIds = topicIds;
        this.metrics = metrics;
    }

    /** Names the insert's rows by their batch's offset range, once: a retry repeats the same token. */
    void assignToken(Flush.Insert i) {
        if (i.token == null) {
            PartitionBatch b = i.batch;
            i.token = token(b.partition, b.firstOffset(), b.lastOffset(), i.buffer.table,
                    topicIds.idOf(b.partition.topic()));
        }
    }

    /** Runs on an insert thread. */
    void insert(Flush.Insert i) {
        long started = System.nanoTime();
        clickHouse.insert(i.buffer.table.tableName(), i.buffer.wireColumns(), i.body, options(i.token));
        i.done = true;
        metrics.inserted(i.buffer.table, i.buffer.rows(), i.buffer.byteSize(), System.nanoTime() - started);
    }

    /**
     * ClickHouse refused a whole batch for a reason that will not pass: insert its records one at a time, each
     * under its own token, and dead-letter the ones it still refuses.
     */
    void insertRecordByRecord(Flush.Insert i) {
        PartitionBatch b = i.batch;
        TableBuffer t = i.buffer;
        metrics.recordFallback(t.table);
        LOG.warn("ClickHouse refused the {} rows of {}-{} offsets {}-{} ({}); inserting them record by record",
                t.table.tableName(), b.partition.topic(), b.partition.partition(), b.firstOffset(), b.lastOffset(),
                i.refusal.getMessage());
        String topicId = topicIds.idOf(b.partition.topic());
        PartitionBatch single = new PartitionBatch(b.partition, b.signal);
        for (int r = 0; r < t.recordCount(); r++) {
            int index = t.recordIndexAt(r);
            if (b.isDeadLettered(index)) {
                continue;
            }
            ConsumerRecord<byte[], byte[]> record = b.record(index);
            // The record's rows again, on their own: rows are a function of the record.
            single.clear();
            single.add(record, 0);
            rows.append(record, single, 0);
            TableBuffer alone = single.table(t.table);
            String token = token(b.partition, record.offset(), record.offset(), t.table, topicId);
            try {
                long started = System.nanoTime();
                clickHouse.insert(t.table.tableName(), alone.wireColumns(), alone.body(), options(token));
                metrics.inserted(t.table, alone.rows(), alone.byteSize(), System.nanoTime() - started);
            } catch (ClickHouseException e) {
                if (holdsTheRows(e)) {
                    throw e;
                }
                b.deadLettered(index);
                deadLetters.send(record, DeadLetterReason.INSERT_REJECTED, e.getMessage());
                metrics.deadLetter(DeadLetterReason.INSERT_REJECTED);
                LOG.warn("Dead-lettered {}-{}@{} (insert_rejected): {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        }
        i.done = true;
    }

    /**
     * Whether a failed insert keeps its rows for a retry of the flush (true), or is a refusal of those rows, whose
     * records are then inserted one by one and dead-lettered if still refused (false). Only ClickHouse refusing the
     * rows themselves (a constraint, a value it cannot take) sets them aside. A passing condition (busy, short of
     * memory or disk) or a setup the operator must fix (a table dropped or renamed, credentials or grants changed)
     * holds them: dead-lettering every record until the fix would take them off the path the fix reopens.
     */
    static boolean holdsTheRows(ClickHouseException e) {
        return e.isRetryable() || e.isSetupError();
    }

    static InsertOptions options(String token) {
        return InsertOptions.deduplicatedBy(token).withSetting(DEDUPLICATE_VIEWS, 1)
                .acrossAnyNumberOfDays().withFormat(InsertOptions.Format.NATIVE);
    }

    /** {@code <topic>:<partition>:<first>-<last>:<table>:<topic id>}. */
    static String token(TopicPartition tp, long first, long last, Table table, String topicId) {
        return tp.topic() + ':' + tp.partition() + ':' + first + '-' + last + ':' + table.tableName() + ':' + topicId;
    }
}
