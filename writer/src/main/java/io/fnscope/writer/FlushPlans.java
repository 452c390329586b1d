package io.fnscope.writer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * A flush's plan, kept in Kafka as the metadata of a committed offset: before its inserts a flush commits each
 * batch's <em>start</em> offset with {@code fnscope-plan:end=<last + 1>}, after them the end offsets. A writer that
 * takes a partition over reads the metadata; when it names a plan, the partition's first batch must end exactly
 * there, so that its inserts repeat the interrupted flush's deduplication tokens (writer/RATIONALE.md, "Exactly once
 * into ClickHouse"). This holds the plans read and not yet flushed.
 */
final class FlushPlans {
    private static final Logger LOG = LoggerFactory.getLogger(FlushPlans.class);
    static final String PREFIX = "fnscope-plan:end=";

    private final Consumer<byte[], byte[]> consumer;
    /** Partitions whose first batch must end at this offset (exclusive). */
    private final Map<TopicPartition, Long> ends = new HashMap<>();

    FlushPlans(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** The offset the partition's first batch must end at (exclusive), or null when it has no plan. */
    Long endOf(TopicPartition tp) {
        return ends.get(tp);
    }

    boolean has(TopicPartition tp) {
        return ends.containsKey(tp);
    }

    /** True when every record before the planned end has been read (the position is at or past it). */
    boolean reached(TopicPartition tp, long end) {
        try {
            return consumer.position(tp, Duration.ZERO) >= end;
        } catch (org.apache.kafka.common.errors.TimeoutException | IllegalStateException e) {
            return false;
        }
    }

    /** True when a partition with a plan has an open batch that has read up to its planned end. */
    boolean anyDue(OpenBatches open) {
        for (Map.Entry<TopicPartition, Long> p : ends.entrySet()) {
            if (open.contains(p.getKey()) && reached(p.getKey(), p.getValue())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A planned partition whose position passed the planned end without a record (they were deleted by retention
     * meanwhile) has nothing to repeat: forget its plan.
     */
    void clearEmpty(OpenBatches open) {
        if (!ends.isEmpty()) {
            ends.entrySet().removeIf(p -> !open.contains(p.getKey()) && reached(p.getKey(), p.getValue()));
        }
    }

    /** The partition's batch boundaries are fixed (by a flush) or its records are not this writer's any more. */
    void forget(TopicPartition tp) {
        ends.remove(tp);
    }

    /** Reads the committed metadata of newly assigned partitions: a plan there fixes the end of their first batch. */
    void read(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = committed.get(tp);
            long end = endIn(o);
            if (end >= 0 && end > o.offset()) {
                ends.put(tp, end);
                LOG.info("Partition {} has an unfinished flush planned up to offset {}; its first batch ends there",
                        tp, end);
            } else {
                ends.remove(tp);
            }
        }
    }

    /** Records the flush's plan: each batch's start offset, with its end as metadata (one commit). */
    void commitStarts(Flush f) {
        Map<TopicPartition, OffsetAndMetadata> plan = new HashMap<>();
        for (PartitionBatch b : f.batches) {
            plan.put(b.partition, new OffsetAndMetadata(b.firstOffset(), PREFIX + f.ends.get(b.partition)));
        }
        consumer.commitSync(plan);
    }

    /** The flush is done: its end offsets, without a plan (one commit). */
    void commitEnds(Flush f) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (PartitionBatch b : f.batches) {
            done.put(b.partition, new OffsetAndMetadata(f.ends.get(b.partition), ""));
        }
        consumer.commitSync(done);
    }

    /** The end offset a committed plan names, or -1. */
    static long endIn(OffsetAndMetadata o) {
        if (o == null || o.metadata() == null || !o.metadata().startsWith(PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(o.metadata().substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
