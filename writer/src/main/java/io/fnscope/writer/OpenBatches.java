package io.fnscope.writer;

import io.fnscope.pipeline.Topics;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The batches being filled, one per source partition, until a flush takes them. A cleared batch is kept for its
 * partition's next one, so that its column buffers are reused instead of grown again from batch to batch.
 * The totals are summed when asked: a writer has a few partitions, and a sum cannot drift from the batches.
 */
final class OpenBatches {
    private final Topics topics;
    private final Map<TopicPartition, PartitionBatch> open = new LinkedHashMap<>();
    private final Map<TopicPartition, PartitionBatch> spare = new HashMap<>();

    OpenBatches(Topics topics) {
        this.topics = topics;
    }

    /** The partition's open batch, opened (on a spare one when there is one) if it has none. */
    PartitionBatch of(TopicPartition tp) {
        PartitionBatch batch = open.get(tp);
        if (batch == null) {
            batch = spare.remove(tp);
            if (batch == null) {
                batch = new PartitionBatch(tp, topics.signalOf(tp.topic()));
            }
            open.put(tp, batch);
        }
        return batch;
    }

    boolean isEmpty() {
        return open.isEmpty();
    }

    boolean contains(TopicPartition tp) {
        return open.containsKey(tp);
    }

    /** The open batches, in the order their partitions first had records; removing through it closes a batch. */
    Collection<PartitionBatch> all() {
        return open.values();
    }

    long rows() {
        long rows = 0;
        for (PartitionBatch b : open.values()) {
            rows += b.rows();
        }
        return rows;
    }

    long bytes() {
        long bytes = 0;
        for (PartitionBatch b : open.values()) {
            bytes += b.bytes();
        }
        return bytes;
    }

    /** When the oldest batch not in {@code excluded} got its first record, or {@code none} when there is none. */
    long oldestOpenedAt(Predicate<TopicPartition> excluded, long none) {
        long oldest = Long.MAX_VALUE;
        for (PartitionBatch b : open.values()) {
            if (!excluded.test(b.partition)) {
                oldest = Math.min(oldest, b.openedAt());
            }
        }
        return oldest == Long.MAX_VALUE ? none : oldest;
    }

    /** Opens {@code b} again as its partition's batch (a flush left all of it for the next one). */
    void reopen(PartitionBatch b) {
        open.put(b.partition, b);
    }

    /** The partition's open batch, or null. */
    PartitionBatch get(TopicPartition tp) {
        return open.get(tp);
    }

    /** Clears the partition's open batch, if any: its records are to be read again. */
    void discard(TopicPartition tp) {
        PartitionBatch b = open.remove(tp);
        if (b != null) {
            b.clear();
        }
    }

    /** Clears every open batch: their records are to be read again. */
    void discardAll() {
        open.values().forEach(PartitionBatch::clear);
        open.clear();
    }

    /** Takes a flushed batch back, cleared, for its partition's next batch unless that one is open already. */
    void recycle(PartitionBatch b) {
        b.clear();
        if (!open.containsKey(b.partition)) {
            spare.put(b.partition, b);
        }
    }

    /** The partition is no longer this writer's: its batch is discarded and nothing of it is kept. */
    void forget(TopicPartition tp) {
        spare.remove(tp);
        discard(tp);
    }
}
