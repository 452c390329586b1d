package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.Topics;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * The writer's consumer loop: Kafka records in, ClickHouse rows out, exactly once as far as queries can tell.
 * {@link #run()} only repeats {@link #pollOnce()}, which a test can call step by step (habit 10); time comes from the
 * injected {@link Clock}. Plain Java: {@link WriterFactory} builds it, the same in every run mode.
 *
 * <h2>Batches and flushes</h2>
 * Records are decoded as they are polled ({@link RecordRows}) into one {@link PartitionBatch} per source partition
 * ({@link OpenBatches}).
 * A flush starts when the batches together reach {@code max-batch-rows} or {@code max-batch-bytes}, or the oldest
 * has waited {@code flush-interval}. It sends one INSERT per (source partition, table), up to
 * {@code insert-parallelism} at once on the insert threads, then commits the offsets. While its inserts run, the
 * loop goes on polling and decoding the next batch (decoding and ClickHouse's work overlap on different cores);
 * flushes themselves follow one another, never overlap: the next starts after the last one committed. When the next
 * batch reaches twice the size limits before that, the loop waits instead of reading more.
 *
 * <h2>Exactly once into ClickHouse</h2>
 * Every INSERT ({@link BatchInserts}) carries {@code insert_deduplication_token = <topic>:<partition>:<first>-<last>:<table>:<topic id>}
 * and {@code deduplicate_blocks_in_dependent_materialized_views = 1}: every telemetry table keeps a
 * {@code non_replicated_deduplication_window}, so a repeat of an insert that already succeeded is dropped, by the
 * table and by the materialized views it feeds. A repeat only comes with the same token if a redelivered batch has
 * the same boundaries, so a flush goes:
 * <ol>
 *   <li>drop the repeats by batch id (below); wait for the batch's dead letters;</li>
 *   <li>commit, in one {@code commitSync} for every partition of the flush, each batch's <em>start</em> offset with
 *   the metadata {@code fnscope-plan:end=<last + 1>}: the offset does not move, the plan is recorded;</li>
 *   <li>the inserts;</li>
 *   <li>write the batch ids of the records stored into {@code written_batches};</li>
 *   <li>commit the end offsets (no metadata).</li>
 * </ol>
 * A writer that takes a partition over (after a crash, a rebalance, a restart) reads the committed metadata
 * ({@link FlushPlans}); when it
 * names a plan, the first batch of that partition ends exactly there, neither earlier (no flush on time or size)
 * nor later (records past it are sought back), so its inserts repeat the tokens of the interrupted flush. Rows are
 * a function of the records alone. Offsets are committed only after every insert of the flush succeeded.
 *
 * <h2>Repeats by batch id ({@link BatchRepeats})</h2>
 * Records an exporter re-sent (same {@code fnscope-batch-id}, new offsets) are looked up in {@code written_batches}
 * before the plan and skipped when found; the ids a flush stored are written there after its inserts, before its
 * offsets. writer/RATIONALE.md says why this order loses nothing and writes nothing twice.
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>A record that does not decode is dead-lettered ({@link DeadLetters}) and never blocks its partition.</li>
 *   <li>A retryable ClickHouse failure (unavailable, transient error) or an unacknowledged commit or dead letter
 *   pauses every assigned partition (polling goes on, so the group membership stays), and the same flush is tried
 *   again after {@code retry-initial-backoff}, doubling up to {@code retry-max-backoff}; the partitions resume when
 *   it succeeds. Nothing is committed meanwhile.</li>
 *   <li>A non-retryable failure of one insert: its records are inserted one by one (token per record offset) and
 *   those ClickHouse still refuses are dead-lettered ({@code insert_rejected}).</li>
 *   <li>Partitions revoked: their unflushed batches are dropped (the next owner reads them again); a flush whose
 *   commit fails because the group moved on is dropped too.</li>
 * </ul>
 */
final class Writer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);
    /** How long a poll waits while a flush is in flight: its end is noticed at most this late. */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(5);

    private final Consumer<byte[], byte[]> consumer;
    private final RecordRows rows;
    private final DeadLetters deadLetters;
    private final TopicIds topicIds;
    private final WriterMetrics metrics;
    private final WriterSettings settings;
    private final Clock clock;
    private final Topics topics;
    private final ExecutorService insertPool;
    private final OpenBatches open;
    private final FlushPlans plans;
    private final BatchRepeats repeats;
    private final BatchInserts inserts;

    /** The flush in flight, or waiting for its retry (then every assigned partition is paused). */
    private Flush current;
    private boolean paused;
    private volatile boolean stopping;
    private volatile boolean stopped;
    private FlushHook hook = FlushHook.NONE;
    private ConnectedTracesListener connectedTraces = traces -> { };
    /** The failing flush's attempts and last error, for {@code /health}; null while flushes succeed. */
    private volatile FlushFailure flushFailure;

    /** A seam for tests: runs between the inserts of a flush and its final commit. */
    interface FlushHook {
        FlushHook NONE = () -> { };

        /** After the telemetry inserts, before the batch ids are written to {@code written_batches}. */
        void afterInserts();

        /** After the batch ids are written, before the end offsets are committed. */
        default void afterBatchIds() {
        }
    }

    Writer(Consumer<byte[], byte[]> consumer, ClickHouse clickHouse, RecordRows rows, DeadLetters deadLetters,
           TopicIds topicIds, WriterMetrics metrics, WriterSettings settings, Clock clock, Topics topics,
           ExecutorService insertPool) {
        this.consumer = consumer;
        this.rows = rows;
        this.deadLetters = deadLetters;
        this.topicIds = topicIds;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.topics = topics;
        this.insertPool = insertPool;
        this.open = new OpenBatches(topics);
        this.plans = new FlushPlans(consumer);
        this.repeats = new BatchRepeats(clickHouse, rows, topicIds, metrics, clock);
        this.inserts = new BatchInserts(clickHouse, rows, deadLetters, topicIds, metrics);
    }

    /** Joins the consumer group on the four telemetry topics. */
    void subscribe() {
        List<String> names = new ArrayList<>();
        for (Signal s : Signal.values()) {
            names.add(topics.of(s));
        }
        consumer.subscribe(names, new Rebalance());
    }

    void hook(FlushHook hook) {
        this.hook = hook;
    }

    /** Told after each completed flush how its traces connect to others. */
    void connectedTraces(ConnectedTracesListener listener) {
        this.connectedTraces = listener;
        rows.collectTraceEdges();
    }

    /** Repeats {@link #pollOnce()} until {@link #stop()}, then flushes what it holds and leaves the group. */
    void run() {
        try {
            while (!stopping) {
                try {
                    pollOnce();
                } catch (WakeupException | InterruptException e) {
                    if (!stopping) {
                        throw e;
                    }
                } catch (RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    LOG.error("Writer loop failed; dropping unflushed batches and reading again from the committed offsets", e);
                    recover();
                    sleep(settings.retryInitialBackoff());
                }
            }
            shutdownFlush();
        } finally {
            close();
        }
    }

    /** Asks {@link #run()} to stop after the current step. */
    void stop() {
        stopping = true;
    }

    boolean isStopped() {
        return stopped;
    }

    /** The flush being retried: how often it failed and why (read from other threads); null while none fails. */
    FlushFailure flushFailure() {
        return flushFailure;
    }

    /** A flush that failed {@code attempts} times, the last one for {@code cause} ({@code message}). */
    record FlushFailure(int attempts, String cause, String message) {
    }

    /**
     * One step: completes the flush in flight if its inserts are done (or retries it when its wait is over), polls
     * and decodes what arrived, and starts the next flush when one is due and none is in flight.
     *
     * @return records taken into batches in this step
     */
    int pollOnce() {
        Flush f = current;
        if (f != null) {
            if (f.waiting) {
                if (clock.millis() >= f.retryAt) {
                    launch(f);
                }
            } else if (f.insertsDone()) {
                finish(f);
            } else if (open.rows() >= 2L * settings.maxBatchRows() || open.bytes() >= 2L * settings.maxBatchBytes()) {
                // The next batch is full twice over: let ClickHouse catch up before reading more.
                f.awaitInserts(settings.pollTimeout());
                if (f.insertsDone()) {
                    finish(f);
                }
                return 0;
            }
        }
        int taken = take(consumer.poll(pollTimeout()));
        updateLag();
        plans.clearEmpty(open);
        if (current == null) {
            String trigger = dueTrigger(clock.millis());
            if (trigger != null) {
                flush(trigger);
            }
        }
        return taken;
    }

    private Duration pollTimeout() {
        long max = settings.pollTimeout().toMillis();
        if (current != null) {
            if (current.waiting) {
                return Duration.ofMillis(Math.max(0, Math.min(max, current.retryAt - clock.millis())));
            }
            return IN_FLIGHT_POLL;
        }
        if (open.isEmpty()) {
            return Duration.ofMillis(max);
        }
        long due = oldestOpenedAt() + settings.flushInterval().toMillis() - clock.millis();
        return Duration.ofMillis(Math.max(0, Math.min(max, due)));
    }

    private int take(ConsumerRecords<byte[], byte[]> polled) {
        if (polled.isEmpty()) {
            return 0;
        }
        int taken = 0;
        long now = clock.millis();
        Map<TopicPartition, Long> seekBack = null;
        for (TopicPartition tp : polled.partitions()) {
            Long planned = plans.endOf(tp);
            for (ConsumerRecord<byte[], byte[]> r : polled.records(tp)) {
                if (planned != null && r.offset() >= planned) {
                    // Past the interrupted flush's end: read again after the planned batch is flushed.
                    if (seekBack == null) {
                        seekBack = new HashMap<>();
                    }
                    seekBack.putIfAbsent(tp, r.offset());
                    break;
                }
                take(tp, r, now);
                taken++;
            }
        }
        if (seekBack != null) {
            seekBack.forEach(consumer::seek);
        }
        return taken;
    }

    private void take(TopicPartition tp, ConsumerRecord<byte[], byte[]> r, long now) {
        PartitionBatch batch = open.of(tp);
        int index = batch.add(r, now);
        RecordRows.Rejection rejection = rows.append(r, batch, index);
        if (rejection != null) {
            batch.deadLettered(index);
            deadLetters.send(r, rejection.reason(), rejection.message());
            metrics.deadLetter(rejection.reason());
            LOG.warn("Dead-lettered {}-{}@{} ({}): {}", r.topic(), r.partition(), r.offset(), rejection.reason().tag(),
                    rejection.message());
        }
    }

    /** Why a flush is due now, or null. */
    private String dueTrigger(long now) {
        if (open.isEmpty()) {
            return null;
        }
        if (plans.anyDue(open)) {
            return "plan";
        }
        if (open.rows() >= settings.maxBatchRows() || open.bytes() >= settings.maxBatchBytes()) {
            return "size";
        }
        if (now - oldestOpenedAt() >= settings.flushInterval().toMillis()) {
            return "time";
        }
        return null;
    }

    /** When the oldest batch without a plan got its first record: a planned batch ends where its plan says. */
    private long oldestOpenedAt() {
        return open.oldestOpenedAt(plans::has, clock.millis());
    }

    /** Starts a flush of every open batch that may end now (a planned batch only once its planned end is reached). */
    private void flush(String trigger) {
        List<PartitionBatch> batches = new ArrayList<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        Set<TopicPartition> plannedPartitions = new HashSet<>();
        for (Iterator<PartitionBatch> it = open.all().iterator(); it.hasNext(); ) {
            PartitionBatch b = it.next();
            Long planned = plans.endOf(b.partition);
            if (planned != null && !plans.reached(b.partition, planned)) {
                continue;
            }
            batches.add(b);
            ends.put(b.partition, planned != null ? planned : b.lastOffset() + 1);
            if (planned != null) {
                plannedPartitions.add(b.partition);
            }
            it.remove();
        }
        if (batches.isEmpty()) {
            return;
        }
        // The batches' boundaries are fixed now; records past a plan are the next batch's.
        batches.forEach(b -> plans.forget(b.partition));
        metrics.flush(trigger);
        launch(new Flush(batches, ends, plannedPartitions));
    }

    /**
     * Drops the repeats by batch id (once), commits the plan (once) and sends the inserts that are not done yet to
     * the insert threads.
     */
    private void launch(Flush f) {
        current = f;
        f.waiting = false;
        if (f.batches.isEmpty()) {
            current = null;
            resume();
            return;
        }
        try {
            if (!f.checked) {
                // Before the plan: the plan records where each batch ends, and dropping repeats may end one earlier.
                repeats.drop(f, open);
                f.checked = true;
                f.prepareInserts();
                if (f.batches.isEmpty()) {
                    current = null;
                    resume();
                    return;
                }
            }
            deadLetters.awaitAll();
            f.inserts.forEach(inserts::assignToken);
            if (!f.planCommitted) {
                plans.commitStarts(f);
                f.planCommitted = true;
            }
            for (Flush.Insert i : f.inserts) {
                if (!i.done) {
                    i.refusal = null;
                    i.future = insertPool.submit(() -> inserts.insert(i));
                }
            }
        } catch (ClickHouseException | KafkaException e) {
            // A ClickHouse failure here is the look-up of the batch ids: nothing is planned or inserted yet.
            failed(f, e);
        }
    }

    /** The inserts are done: handles refusals, commits the end offsets, and lets the next flush start. */
    private void finish(Flush f) {
        try {
            List<Flush.Insert> refused = new ArrayList<>();
            ClickHouseException retryable = null;
            for (Flush.Insert i : f.inserts) {
                if (i.future == null || i.done) {
                    continue;
                }
                try {
                    i.future.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException(e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof ClickHouseException ce) {
                        if (BatchInserts.holdsTheRows(ce)) {
                            retryable = retryable == null ? ce : retryable;
                        } else {
                            i.refusal = ce;
                            refused.add(i);
                        }
                    } else if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    } else {
                        throw new IllegalStateException(e.getCause());
                    }
                } finally {
                    i.future = null;
                }
            }
            if (retryable != null) {
                throw retryable;
            }
            for (Flush.Insert i : refused) {
                inserts.insertRecordByRecord(i);
            }
            f.insertedAt = clock.millis();
            deadLetters.awaitAll();
            hook.afterInserts();
            // Data first, batch ids next, offsets last. A crash before the ids are written: the batch comes again,
            // its look-up finds none of them, its inserts repeat their tokens and ClickHouse drops them. A crash
            // after: the batch comes again, its look-up finds every id, and nothing is inserted.
            if (!f.batchIdsWritten) {
                repeats.write(f);
                f.batchIdsWritten = true;
            }
            hook.afterBatchIds();
            plans.commitEnds(f);
            completed(f);
        } catch (ClickHouseException | KafkaException e) {
            // A ClickHouse failure here is retryable: refusals were handled record by record above.
            failed(f, e);
        }
    }

    /**
     * A step of the flush failed: it is tried again after a backoff, or given up to the partitions' next owner when
     * the group moved on (a wakeup or an interrupt ends the step as it is).
     */
    private void failed(Flush f, RuntimeException e) {
        if (e instanceof WakeupException || e instanceof InterruptException) {
            throw e;
        }
        if (e instanceof CommitFailedException || e instanceof RebalanceInProgressException) {
            LOG.warn("Offset commit refused because the group is rebalancing; the batches of {} are left to their next "
                    + "owner: {}", f.partitions(), e.getMessage());
            abandon(f);
        } else {
            retryLater(f, e instanceof ClickHouseException ? "clickhouse" : "kafka", e);
        }
    }

    private void completed(Flush f) {
        Map<String, List<ConnectedTracesListener.Edge>> edges = new HashMap<>();
        for (PartitionBatch b : f.batches) {
            b.traceEdges().forEach((tenant, e) -> {
                if (!e.isEmpty()) {
                    edges.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(e);
                }
            });
            metrics.committed(b, f.insertedAt);
            open.recycle(b);
        }
        current = null;
        flushFailure = null;
        if (!edges.isEmpty()) {
            connectedTraces.written(edges);
        }
        if (f.attempts > 0) {
            LOG.info("Flush of {} succeeded after {} retries", f.partitions(), f.attempts);
        }
        resume();
    }

    /** Holds the flush back for a retry after the backoff, with every assigned partition paused meanwhile. */
    private void retryLater(Flush f, String cause, RuntimeException e) {
        f.attempts++;
        f.waiting = true;
        long backoff = settings.retryInitialBackoff().toMillis();
        for (int i = 1; i < f.attempts && backoff < settings.retryMaxBackoff().toMillis(); i++) {
            backoff *= 2;
        }
        backoff = Math.min(backoff, settings.retryMaxBackoff().toMillis());
        f.retryAt = clock.millis() + backoff;
        current = f;
        flushFailure = new FlushFailure(f.attempts, cause, e.getMessage());
        metrics.retry(cause);
        if (!paused) {
            consumer.pause(consumer.assignment());
            paused = true;
            metrics.paused(true);
        }
        if (f.attempts == 1 || f.attempts % 10 == 0) {
            LOG.warn("Flush of {} failed ({}), attempt {}; partitions paused, retrying in {} ms: {}", f.partitions(),
                    cause, f.attempts, backoff, e.getMessage());
        }
    }

    /**
     * Gives a flush up without committing it: its records are read again, by this writer (from the batch start, with
     * the plan committed for it) or by the partition's next owner.
     */
    private void abandon(Flush f) {
        f.awaitInserts(Duration.ofMinutes(1));
        Set<TopicPartition> assigned = consumer.assignment();
        List<TopicPartition> kept = new ArrayList<>();
        for (PartitionBatch b : f.batches) {
            if (assigned.contains(b.partition)) {
                consumer.seek(b.partition, b.firstOffset());
                kept.add(b.partition);
                // Records read after the abandoned batch are read again too.
                open.discard(b.partition);
            }
            open.recycle(b);
        }
        if (current == f) {
            current = null;
            flushFailure = null; // its retries are over: the batches are read again
        }
        resume();
        try {
            plans.read(kept);
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the committed plans of {} yet: {}", kept, e.toString());
        }
    }

    private void resume() {
        if (paused) {
            consumer.resume(consumer.paused());
            paused = false;
            metrics.paused(false);
        }
    }

    private void updateLag() {
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                metrics.lag(tp, lag.getAsLong());
            }
        }
    }

    /** After an unexpected failure: forget every batch and read again from the committed offsets. */
    private void recover() {
        if (current != null) {
            current.awaitInserts(Duration.ofMinutes(1));
            current = null;
            flushFailure = null;
        }
        open.discardAll();
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            paused = true;
            resume();
            plans.read(assigned);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata o = committed.get(tp);
                if (o != null) {
                    consumer.seek(tp, o);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot rewind to the committed offsets yet: {}", e.toString());
        }
    }

    /**
     * On stop: completes the flush in flight and makes one attempt at flushing what is held; what does not make it
     * is read again by the next owner (with its plan).
     */
    private void shutdownFlush() {
        try {
            if (current != null && !current.waiting) {
                current.awaitInserts(settings.shutdownTimeout());
                if (current.insertsDone()) {
                    finish(current);
                }
            }
            if (current != null) {
                LOG.info("Stopping with a flush of {} not done; it will be read again", current.partitions());
                return;
            }
            if (!open.isEmpty()) {
                flush("shutdown");
                if (current != null && !current.waiting) {
                    current.awaitInserts(settings.shutdownTimeout());
                    if (current.insertsDone()) {
                        finish(current);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Last flush on stop failed; its records will be read again: {}", e.toString());
        }
    }

    /**
     * Leaves the group as a crashed writer would: the flush in flight and the open batches are forgotten, nothing
     * more is committed (tests of what a crash between insert and commit leaves behind).
     */
    void closeWithoutCommitting() {
        if (current != null) {
            current.awaitInserts(Duration.ofSeconds(10));
            current = null;
        }
        open.discardAll();
        close();
    }

    /** Leaves the group and releases the clients; a flush in flight is completed by the revocation. Idempotent. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (current != null) {
            current.awaitInserts(Duration.ofSeconds(10));
        }
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("Closing the consumer: {}", e.toString());
        }
        insertPool.shutdownNow();
        topicIds.close();
        deadLetters.close();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Rebalance callbacks run inside {@link Consumer#poll}, on the loop's thread. A flush in flight is completed
     * before partitions go (its inserts are waited for and its offsets committed while the partitions are still
     * ours); unflushed batches of revoked partitions are dropped for their next owner.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Flush f = current;
            if (f != null && !f.waiting && f.batches.stream().anyMatch(b -> partitions.contains(b.partition))) {
                f.awaitInserts(Duration.ofMinutes(1));
                finish(f);
            }
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Flush f = current;
            if (f != null && !f.waiting) {
                f.awaitInserts(Duration.ofMinutes(1));
            }
            drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            topicIds.forget();
            plans.read(partitions);
            if (paused) {
                consumer.pause(partitions);
            }
        }

        private void drop(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionBatch b = open.get(tp);
                if (b != null) {
                    LOG.info("Partition {} revoked; dropping its unflushed batch (offsets {}-{}) for its next owner", tp,
                            b.firstOffset(), b.lastOffset());
                }
                open.forget(tp);
                plans.forget(tp);
                metrics.forget(tp);
            }
            Flush f = current;
            if (f != null) {
                f.batches.removeIf(b -> partitions.contains(b.partition));
                f.inserts.removeIf(i -> partitions.contains(i.batch.partition));
                if (f.batches.isEmpty()) {
                    current = null;
                    paused = paused && !consumer.paused().isEmpty();
                    metrics.paused(paused);
                }
            }
        }
    }
}
