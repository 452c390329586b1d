package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.clickhouse.RowBinaryBody;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The batches of one flush, their inserts and how far the flush got: the steps done are not done again on a retry. */
final class Flush {
    final List<PartitionBatch> batches;
    /** The offset each partition commits when done: its planned end, else one past its last record. */
    final Map<TopicPartition, Long> ends;
    /** Partitions whose batch ends where a committed plan says (a flush interrupted before). */
    final Set<TopicPartition> planned;
    final List<Insert> inserts = new ArrayList<>();
    /** The repeats by batch id are dropped (and the inserts prepared). */
    boolean checked;
    boolean planCommitted;
    boolean batchIdsWritten;
    boolean waiting;
    int attempts;
    long retryAt;
    long insertedAt;

    Flush(List<PartitionBatch> batches, Map<TopicPartition, Long> ends, Set<TopicPartition> planned) {
        this.batches = batches;
        this.ends = ends;
        this.planned = planned;
    }

    /** One insert per batch and table with rows, once the batches' contents are final. */
    void prepareInserts() {
        inserts.clear();
        for (PartitionBatch b : batches) {
            for (TableBuffer t : b.tablesWithRows()) {
                inserts.add(new Insert(b, t));
            }
        }
    }

    boolean insertsDone() {
        for (Insert i : inserts) {
            if (i.future != null && !i.future.isDone()) {
                return false;
            }
        }
        return true;
    }

    void awaitInserts(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Insert i : inserts) {
            Future<?> fu = i.future;
            if (fu == null) {
                continue;
            }
            try {
                fu.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // The outcome is read when the flush is finished; a timeout leaves it for the next step.
            }
        }
    }

    List<TopicPartition> partitions() {
        return batches.stream().map(b -> b.partition).toList();
    }

    /** One INSERT: the rows of one table from one source partition's batch. */
    static final class Insert {
        final PartitionBatch batch;
        final TableBuffer buffer;
        final RowBinaryBody body;
        String token;
        volatile boolean done;
        Future<?> future;
        ClickHouseException refusal;

        Insert(PartitionBatch batch, TableBuffer buffer) {
            this.batch = batch;
            this.buffer = buffer;
            this.body = buffer.body();
        }
    }
}
