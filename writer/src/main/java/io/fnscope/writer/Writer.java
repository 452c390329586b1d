package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.clickhouse.InsertOptions;
import io.fnscope.clickhouse.RowBinaryBody;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The writer's consumer loop: Kafka records in, ClickHouse rows out, exactly once as far as queries can tell.
 * {@link #run()} only repeats {@link #pollOnce()}, which a test can call step by step (habit 10); time comes from the
 * injected {@link Clock}. Plain Java: {@link WriterFactory} builds it, the same in every run mode.
 *
 * <h2>Batches and flushes</h2>
 * Records are decoded as they are polled ({@link RecordRows}) into one {@link PartitionBatch} per source partition.
 * A flush starts when the batches together reach {@code max-batch-rows} or {@code max-batch-bytes}, or the oldest
 * has waited {@code flush-interval}. It sends one INSERT per (source partition, table), up to
 * {@code insert-parallelism} at once on the insert threads, then commits the offsets. While its inserts run, the
 * loop goes on polling and decoding the next batch (decoding and ClickHouse's work overlap on different cores);
 * flushes themselves follow one another, never overlap: the next starts after the last one committed. When the next
 * batch reaches twice the size limits before that, the loop waits instead of reading more.
 *
 * <h2>Exactly once into ClickHouse</h2>
 * Every INSERT carries {@code insert_deduplication_token = <topic>:<partition>:<first>-<last>:<table>:<topic id>}
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
 * A writer that takes a partition over (after a crash, a rebalance, a restart) reads the committed metadata; when it
 * names a plan, the first batch of that partition ends exactly there, neither earlier (no flush on time or size)
 * nor later (records past it are sought back), so its inserts repeat the tokens of the interrupted flush. Rows are
 * a function of the records alone. Offsets are committed only after every insert of the flush succeeded.
 *
 * <h2>Repeats by batch id</h2>
 * An exporter that got 503 re-sends its whole request; the records of it that had landed arrive again as new
 * records (new offsets, maybe another partition) with the same {@code fnscope-batch-id}. Tokens cannot see that, so
 * each flush, before its plan, looks its records' (tenant, batch id) up in {@code written_batches} (one query) and
 * skips those found, and a repeat of an id kept earlier in the same batch; after every telemetry insert of the
 * flush it writes the ids it stored into {@code written_batches}, then commits. A record whose id is kept by
 * another partition's batch of the same flush is not skipped but left for the next flush (the batch ends before
 * it), whose look-up finds the id; a planned batch is never cut and skips only what it skipped before.
 * writer/RATIONALE.md says why this order loses nothing and writes nothing twice.
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
    static final String PLAN_PREFIX = "fnscope-plan:end=";
    static final String DEDUPLICATE_VIEWS = "deduplicate_blocks_in_dependent_materialized_views";
    /** How long a poll waits while a flush is in flight: its end is noticed at most this late. */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(5);
    /** Batch ids per look-up statement: a flush normally has fewer; bounds the parameter text (~45 bytes per id). */
    static final int LOOKUP_CHUNK = 5_000;

    private final Consumer<byte[], byte[]> consumer;
    private final ClickHouse clickHouse;
    private final RecordRows rows;
    private final DeadLetters deadLetters;
    private final TopicIds topicIds;
    private final WriterMetrics metrics;
    private final WriterSettings settings;
    private final Clock clock;
    private final Topics topics;
    private final ExecutorService insertPool;

    private final Map<TopicPartition, PartitionBatch> open = new LinkedHashMap<>();
    private final Map<TopicPartition, PartitionBatch> spare = new HashMap<>();
    /** Partitions whose first batch must end at this offset (exclusive): the plan of an interrupted flush. */
    private final Map<TopicPartition, Long> plannedEnds = new HashMap<>();
    private long openRows;
    private long openBytes;
    /** The flush in flight, or waiting for its retry (then every assigned partition is paused). */
    private Flush current;
    private boolean paused;
    private volatile boolean stopping;
    private volatile boolean stopped;
    private FlushHook hook = FlushHook.NONE;
    private ConnectedTracesListener connectedTraces = traces -> { };
    /** The failing flush's attempts and last error, for {@code /health}; null while flushes succeed. */
    private volatile FlushFailure flushFailure;
    /** The batch ids of the flush being completed; flushes do not overlap, so one buffer serves them all. */
    private final TableBuffer.WrittenBatches writtenBatches = new TableBuffer.WrittenBatches();

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
        this.clickHouse = clickHouse;
        this.rows = rows;
        this.deadLetters = deadLetters;
        this.topicIds = topicIds;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.topics = topics;
        this.insertPool = insertPool;
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
            } else if (openRows >= 2L * settings.maxBatchRows() || openBytes >= 2L * settings.maxBatchBytes()) {
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
        clearEmptyPlans();
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
            Long planned = plannedEnds.get(tp);
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
        PartitionBatch batch = open.get(tp);
        if (batch == null) {
            batch = spare.remove(tp);
            if (batch == null) {
                batch = new PartitionBatch(tp, topics.signalOf(tp.topic()));
            }
            open.put(tp, batch);
        }
        long rowsBefore = batch.rows();
        long bytesBefore = batch.bytes();
        int index = batch.add(r, now);
        RecordRows.Rejection rejection = rows.append(r, batch, index);
        if (rejection != null) {
            batch.deadLettered(index);
            deadLetters.send(r, rejection.reason(), rejection.message());
            metrics.deadLetter(rejection.reason());
            LOG.warn("Dead-lettered {}-{}@{} ({}): {}", r.topic(), r.partition(), r.offset(), rejection.reason().tag(),
                    rejection.message());
        }
        openRows += batch.rows() - rowsBefore;
        openBytes += batch.bytes() - bytesBefore;
    }

    /**
     * A planned partition whose position passed the planned end without a record (they were deleted by retention
     * meanwhile) has nothing to repeat: forget its plan.
     */
    private void clearEmptyPlans() {
        if (plannedEnds.isEmpty()) {
            return;
        }
        plannedEnds.entrySet().removeIf(p -> !open.containsKey(p.getKey()) && planReached(p.getKey(), p.getValue()));
    }

    /** Why a flush is due now, or null. */
    private String dueTrigger(long now) {
        if (open.isEmpty()) {
            return null;
        }
        for (Map.Entry<TopicPartition, Long> p : plannedEnds.entrySet()) {
            if (open.containsKey(p.getKey()) && planReached(p.getKey(), p.getValue())) {
                return "plan";
            }
        }
        if (openRows >= settings.maxBatchRows() || openBytes >= settings.maxBatchBytes()) {
            return "size";
        }
        if (now - oldestOpenedAt() >= settings.flushInterval().toMillis()) {
            return "time";
        }
        return null;
    }

    private long oldestOpenedAt() {
        long oldest = Long.MAX_VALUE;
        for (PartitionBatch b : open.values()) {
            if (!plannedEnds.containsKey(b.partition)) {
                oldest = Math.min(oldest, b.openedAt());
            }
        }
        return oldest == Long.MAX_VALUE ? clock.millis() : oldest;
    }

    /** True when every record before the planned end has been read (the position is at or past it). */
    private boolean planReached(TopicPartition tp, long end) {
        try {
            return consumer.position(tp, Duration.ZERO) >= end;
        } catch (org.apache.kafka.common.errors.TimeoutException | IllegalStateException e) {
            return false;
        }
    }

    /** Starts a flush of every open batch that may end now (a planned batch only once its planned end is reached). */
    private void flush(String trigger) {
        List<PartitionBatch> batches = new ArrayList<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        Set<TopicPartition> plannedPartitions = new HashSet<>();
        for (Iterator<PartitionBatch> it = open.values().iterator(); it.hasNext(); ) {
            PartitionBatch b = it.next();
            Long planned = plannedEnds.get(b.partition);
            if (planned != null && !planReached(b.partition, planned)) {
                continue;
            }
            batches.add(b);
            ends.put(b.partition, planned != null ? planned : b.lastOffset() + 1);
            if (planned != null) {
                plannedPartitions.add(b.partition);
            }
            it.remove();
            openRows -= b.rows();
            openBytes -= b.bytes();
        }
        if (batches.isEmpty()) {
            return;
        }
        // The batches' boundaries are fixed now; records past a plan are the next batch's.
        batches.forEach(b -> plannedEnds.remove(b.partition));
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
                // Before the plan: the plan records where each batch ends, and dropRepeats may end one earlier.
                dropRepeats(f);
                f.checked = true;
                f.prepareInserts();
                if (f.batches.isEmpty()) {
                    current = null;
                    resume();
                    return;
                }
            }
            deadLetters.awaitAll();
            for (Insert i : f.inserts) {
                if (i.token == null) {
                    PartitionBatch b = i.batch;
                    i.token = token(b.partition, b.firstOffset(), b.lastOffset(), i.buffer.table,
                            topicIds.idOf(b.partition.topic()));
                }
            }
            if (!f.planCommitted) {
                commitPlan(f);
                f.planCommitted = true;
            }
            for (Insert i : f.inserts) {
                if (!i.done) {
                    i.refusal = null;
                    i.future = insertPool.submit(() -> insert(i));
                }
            }
        } catch (ClickHouseException e) {
            // The look-up of the batch ids failed: nothing is planned or inserted yet.
            retryLater(f, "clickhouse", e);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("Offset commit refused because the group is rebalancing; the batches of {} are left to their next "
                    + "owner: {}", f.partitions(), e.getMessage());
            abandon(f);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            retryLater(f, "kafka", e);
        }
    }

    /**
     * Marks the records of the flush whose batch id is already stored, or repeats one kept earlier in the flush, as
     * duplicates, and takes their rows out of the batches. One look-up in {@code written_batches} for the whole
     * flush. Runs once per flush, before its plan is committed; writer/RATIONALE.md has the reasoning.
     *
     * <ul>
     *   <li>Found in {@code written_batches}: skipped. Its rows are in ClickHouse (ids are written only after the
     *   rows they name) and the table only grows, so a redelivered batch skips at least what it skipped before.</li>
     *   <li>A repeat of an id kept earlier in the same partition batch: skipped. A redelivery of the batch has the
     *   same records, so it makes the same choice.</li>
     *   <li>A repeat of an id kept by another partition's batch of this flush: not skipped, because nothing durable
     *   would record that choice (a redelivery may group the partitions otherwise). The batch ends just before it
     *   (the rest becomes the partition's next batch, without reading it again) and the next flush's look-up finds
     *   the id. A planned batch cannot end elsewhere than its plan: it keeps the record (the other copy is then
     *   stored too; only an interrupted flush leads there, see the rationale). Planned batches go first, so an
     *   unplanned batch yields to them.</li>
     * </ul>
     */
    private void dropRepeats(Flush f) {
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
        order.sort(java.util.Comparator.comparing(b -> !f.planned.contains(b.partition)));
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
                } else if (!planned && !open.containsKey(b.partition)) {
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
                open.put(b.partition, b);
                openRows += b.rows();
                openBytes += b.bytes();
            } else if (cut > 0) {
                deferTail(b, cut);
                f.ends.put(b.partition, b.lastOffset() + 1);
                appendRowsAgain(b);
            } else if (skipped > 0) {
                appendRowsAgain(b);
            }
        }
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
    private void deferTail(PartitionBatch b, int cut) {
        PartitionBatch next = spare.remove(b.partition);
        if (next == null) {
            next = new PartitionBatch(b.partition, b.signal);
        }
        for (int i = cut; i < b.recordCount(); i++) {
            ConsumerRecord<byte[], byte[]> r = b.record(i);
            int j = next.add(r, b.openedAt());
            if (b.isDeadLettered(i)) {
                next.deadLettered(j);
                next.describe(j, b.receivedAt(i), b.items(i), b.tenant(i), b.batchId(i));
            } else if (rows.append(r, next, j) != null) {
                throw new IllegalStateException("record " + r.topic() + "-" + r.partition() + "@" + r.offset()
                        + " decoded once but not twice");
            }
        }
        b.truncate(cut);
        open.put(b.partition, next);
        openRows += next.rows();
        openBytes += next.bytes();
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
                throw new IllegalStateException("record " + r.topic() + "-" + r.partition() + "@" + r.offset()
                        + " decoded once but not twice");
            }
        }
    }

    /**
     * Writes the batch ids of the records the flush stored into {@code written_batches}: one insert for the whole
     * flush, after every telemetry insert of it succeeded and before its offsets are committed (the order is the
     * point, see writer/RATIONALE.md). The token names every batch of the flush; a repeat the token does not catch
     * (the same batches flushed in another grouping) only writes rows that are already there.
     */
    private void writeBatchIds(Flush f) {
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
                + UUID.nameUUIDFromBytes(ranges.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long started = System.nanoTime();
        clickHouse.insert(Table.WRITTEN_BATCHES.tableName(), wb.wireColumns(), wb.body(), options(token));
        metrics.inserted(Table.WRITTEN_BATCHES, wb.rows(), wb.byteSize(), System.nanoTime() - started);
    }

    /** The inserts are done: handles refusals, commits the end offsets, and lets the next flush start. */
    private void finish(Flush f) {
        try {
            List<Insert> refused = new ArrayList<>();
            ClickHouseException retryable = null;
            for (Insert i : f.inserts) {
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
                        if (ce.isRetryable()) {
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
            for (Insert i : refused) {
                insertRecordByRecord(i);
            }
            f.insertedAt = clock.millis();
            deadLetters.awaitAll();
            hook.afterInserts();
            // Data first, batch ids next, offsets last. A crash before the ids are written: the batch comes again,
            // its look-up finds none of them, its inserts repeat their tokens and ClickHouse drops them. A crash
            // after: the batch comes again, its look-up finds every id, and nothing is inserted.
            if (!f.batchIdsWritten) {
                writeBatchIds(f);
                f.batchIdsWritten = true;
            }
            hook.afterBatchIds();
            commitEnds(f);
            completed(f);
        } catch (ClickHouseException e) {
            // Non-retryable insert failures were handled record by record above.
            retryLater(f, "clickhouse", e);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("Offset commit refused because the group is rebalancing; the batches of {} are left to their next "
                    + "owner: {}", f.partitions(), e.getMessage());
            abandon(f);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            retryLater(f, "kafka", e);
        }
    }

    private void commitPlan(Flush f) {
        Map<TopicPartition, OffsetAndMetadata> plan = new HashMap<>();
        for (PartitionBatch b : f.batches) {
            plan.put(b.partition, new OffsetAndMetadata(b.firstOffset(), PLAN_PREFIX + f.ends.get(b.partition)));
        }
        consumer.commitSync(plan);
    }

    private void commitEnds(Flush f) {
        Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
        for (PartitionBatch b : f.batches) {
            ends.put(b.partition, new OffsetAndMetadata(f.ends.get(b.partition), ""));
        }
        consumer.commitSync(ends);
    }

    /** Runs on an insert thread. */
    private void insert(Insert i) {
        long started = System.nanoTime();
        clickHouse.insert(i.buffer.table.tableName(), i.buffer.wireColumns(), i.body, options(i.token));
        i.done = true;
        metrics.inserted(i.buffer.table, i.buffer.rows(), i.buffer.byteSize(), System.nanoTime() - started);
    }

    /**
     * ClickHouse refused a whole batch for a reason that will not pass: insert its records one at a time, each
     * under its own token, and dead-letter the ones it still refuses.
     */
    private void insertRecordByRecord(Insert i) {
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
                if (e.isRetryable()) {
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

    static InsertOptions options(String token) {
        return InsertOptions.deduplicatedBy(token).withSetting(DEDUPLICATE_VIEWS, 1).withFormat(InsertOptions.Format.NATIVE);
    }

    /** {@code <topic>:<partition>:<first>-<last>:<table>:<topic id>}. */
    static String token(TopicPartition tp, long first, long last, Table table, String topicId) {
        return tp.topic() + ':' + tp.partition() + ':' + first + '-' + last + ':' + table.tableName() + ':' + topicId;
    }

    private void completed(Flush f) {
        Map<String, List<ConnectedTracesListener.Edge>> edges = new HashMap<>();
        for (PartitionBatch b : f.batches) {
            b.traceEdges().forEach((tenant, e) -> {
                if (!e.isEmpty()) {
                    edges.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(e);
                }
            });
            long written = 0;
            long writtenItems = 0;
            long dead = 0;
            long deadItems = 0;
            long duplicates = 0;
            long duplicateItems = 0;
            for (int i = 0; i < b.recordCount(); i++) {
                if (b.isDeadLettered(i)) {
                    dead++;
                    deadItems += b.items(i);
                } else if (b.isDuplicate(i)) {
                    duplicates++;
                    duplicateItems += b.items(i);
                } else {
                    written++;
                    writtenItems += b.items(i);
                    if (b.receivedAt(i) > 0) {
                        metrics.freshness(f.insertedAt - b.receivedAt(i));
                    }
                }
            }
            if (b.signal != null) {
                metrics.records(b.signal, WriterMetrics.WRITTEN, written, writtenItems);
                metrics.records(b.signal, WriterMetrics.DEAD_LETTERED, dead, deadItems);
                metrics.records(b.signal, WriterMetrics.DUPLICATE, duplicates, duplicateItems);
            }
            recycle(b);
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
                PartitionBatch next = open.remove(b.partition);
                if (next != null) {
                    openRows -= next.rows();
                    openBytes -= next.bytes();
                    next.clear();
                }
            }
            recycle(b);
        }
        if (current == f) {
            current = null;
            flushFailure = null; // its retries are over: the batches are read again
        }
        resume();
        try {
            readPlans(kept);
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

    private void recycle(PartitionBatch b) {
        b.clear();
        if (!open.containsKey(b.partition)) {
            spare.put(b.partition, b);
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
        open.values().forEach(PartitionBatch::clear);
        open.clear();
        openRows = 0;
        openBytes = 0;
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            paused = true;
            resume();
            readPlans(assigned);
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

    /** Reads the committed metadata of newly assigned partitions: a plan there fixes the end of their first batch. */
    private void readPlans(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata o = committed.get(tp);
            long end = planEnd(o);
            if (end >= 0 && end > o.offset()) {
                plannedEnds.put(tp, end);
                LOG.info("Partition {} has an unfinished flush planned up to offset {}; its first batch ends there",
                        tp, end);
            } else {
                plannedEnds.remove(tp);
            }
        }
    }

    /** The end offset a committed plan names, or -1. */
    static long planEnd(OffsetAndMetadata o) {
        if (o == null || o.metadata() == null || !o.metadata().startsWith(PLAN_PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(o.metadata().substring(PLAN_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
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
        open.clear();
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

    /** The inserts of one flush and how far they got. */
    private final class Flush {
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
                    // The outcome is read by finish(); a timeout leaves it for the next step.
                }
            }
        }

        List<TopicPartition> partitions() {
            return batches.stream().map(b -> b.partition).toList();
        }
    }

    /** One INSERT: the rows of one table from one source partition's batch. */
    private final class Insert {
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
            readPlans(partitions);
            if (paused) {
                consumer.pause(partitions);
            }
        }

        private void drop(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionBatch b = open.remove(tp);
                if (b != null) {
                    openRows -= b.rows();
                    openBytes -= b.bytes();
                    LOG.info("Partition {} revoked; dropping its unflushed batch (offsets {}-{}) for its next owner", tp,
                            b.firstOffset(), b.lastOffset());
                    b.clear();
                }
                spare.remove(tp);
                plannedEnds.remove(tp);
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

    /** A record's identity for repeats: its tenant and {@code fnscope-batch-id}. */
    private record BatchKey(String tenant, UUID id) {
    }
}
