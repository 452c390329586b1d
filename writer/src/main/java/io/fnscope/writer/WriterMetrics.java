package io.fnscope.writer;

import io.fnscope.pipeline.Signal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writer's Prometheus metrics ({@code /metrics}); names as Prometheus shows them.
 *
 * <h2>Records and items: what adds up</h2>
 * Every Kafka record the writer takes into a batch is counted, once its batch is committed, in exactly one of
 * {@code fnscope_writer_records_total{signal,outcome="written"}} (its rows are in ClickHouse),
 * {@code {outcome="dead_lettered"}} (it went to the dead-letter topic; {@code fnscope_writer_dead_letters_total{reason}}
 * says why) or {@code {outcome="duplicate"}} (its {@code fnscope-batch-id} was already written, so it was skipped:
 * an exporter's re-send, or a batch redelivered after its rows and ids were written).
 * {@code fnscope_writer_items_total{signal,outcome}} counts the same for the items (spans, data points, log records,
 * Lambda events) that the records' {@code fnscope-items} headers announce. A batch dropped because its partitions
 * moved to another writer is counted by that writer when it commits it.
 *
 * <h2>Other series</h2>
 * <ul>
 *   <li>{@code fnscope_writer_rows_total{table}}: rows inserted (the materialized views' rows are not counted);
 *   rows per second is its rate.</li>
 *   <li>{@code fnscope_writer_insert_duration_seconds{table}}: histogram of one INSERT (one source partition, one
 *   table), including retries inside the transport.</li>
 *   <li>{@code fnscope_writer_insert_rows{table}}, {@code fnscope_writer_insert_bytes{table}}: rows and encoded
 *   bytes (Native column data) per INSERT.</li>
 *   <li>{@code fnscope_writer_freshness_seconds}: histogram, per record, of the time from the collector accepting it
 *   ({@code fnscope-received-at}) to its rows being queryable (insert done).</li>
 *   <li>{@code fnscope_writer_lag_records{topic,partition}}: end offset minus the writer's position, per assigned
 *   partition (records not yet read).</li>
 *   <li>{@code fnscope_writer_retries_total{cause}}: a flush put back for a retry: {@code clickhouse} (unavailable,
 *   or a transient error), {@code kafka} (an offset commit or a dead letter not acknowledged).</li>
 *   <li>{@code fnscope_writer_paused}: 1 while the writer holds a batch back for a retry (its partitions paused).</li>
 *   <li>{@code fnscope_writer_flushes_total{trigger}}: flushes by what triggered them: {@code size}, {@code time},
 *   {@code plan} (the batch planned before a restart), {@code shutdown}.</li>
 *   <li>{@code fnscope_writer_record_fallbacks_total{table}}: batches ClickHouse refused as a whole (non-retryable),
 *   re-inserted record by record.</li>
 *   <li>{@code fnscope_writer_batch_lookup_duration_seconds}: histogram of the look-up, once per flush, of the
 *   flush's batch ids in {@code written_batches}.</li>
 * </ul>
 */
final class WriterMetrics {
    static final String WRITTEN = "written";
    static final String DEAD_LETTERED = "dead_lettered";
    static final String DUPLICATE = "duplicate";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Gauge> lagGauges = new ConcurrentHashMap<>();
    private final AtomicInteger paused = new AtomicInteger();
    private final Timer freshness;
    private final Timer batchLookup;
    private volatile java.util.function.LongConsumer freshnessObserver;

    WriterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.freshness = Timer.builder("fnscope.writer.freshness")
                .description("Time from the collector accepting a record to its rows being queryable")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        this.batchLookup = Timer.builder("fnscope.writer.batch.lookup.duration")
                .description("Duration of the look-up of one flush's batch ids in written_batches")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
        Gauge.builder("fnscope.writer.paused", paused, AtomicInteger::get)
                .description("1 while a batch waits for a retry (ClickHouse or Kafka unavailable)")
                .register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    void records(Signal signal, String outcome, long records, long items) {
        if (records > 0) {
            counter("fnscope.writer.records", "Kafka records taken into committed batches, by outcome",
                    "signal", signal.id(), "outcome", outcome).increment(records);
        }
        if (items > 0) {
            counter("fnscope.writer.items", "Items the committed records announce (fnscope-items), by outcome",
                    "signal", signal.id(), "outcome", outcome).increment(items);
        }
    }

    /**
     * A committed batch: its records by outcome (written, dead-lettered, duplicate) and, for each record written,
     * how long after the collector accepted it its rows went in ({@code insertedAt}).
     */
    void committed(PartitionBatch b, long insertedAt) {
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
                    freshness(insertedAt - b.receivedAt(i));
                }
            }
        }
        if (b.signal != null) {
            records(b.signal, WRITTEN, written, writtenItems);
            records(b.signal, DEAD_LETTERED, dead, deadItems);
            records(b.signal, DUPLICATE, duplicates, duplicateItems);
        }
    }

    void deadLetter(DeadLetterReason reason) {
        counter("fnscope.writer.dead.letters", "Records sent to the dead-letter topic, by reason",
                "reason", reason.tag()).increment();
    }

    void inserted(Table table, long rows, long bytes, long nanos) {
        counter("fnscope.writer.rows", "Rows inserted into ClickHouse", "table", table.tableName()).increment(rows);
        timers.computeIfAbsent("insert:" + table.tableName(), k -> Timer.builder("fnscope.writer.insert.duration")
                .description("Duration of one INSERT (one source partition, one table)")
                .tag("table", table.tableName())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        summary("fnscope.writer.insert.rows", "Rows per INSERT", table, "rows").record(rows);
        summary("fnscope.writer.insert.bytes", "Encoded bytes (Native column data) per INSERT", table, "bytes").record(bytes);
    }

    void batchLookup(long nanos) {
        batchLookup.record(nanos, TimeUnit.NANOSECONDS);
    }

    void freshness(long millis) {
        freshness.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
        java.util.function.LongConsumer o = freshnessObserver;
        if (o != null) {
            o.accept(millis);
        }
    }

    /** Also hands every freshness value (ms) to {@code observer}: the benchmark's exact percentiles. */
    void observeFreshness(java.util.function.LongConsumer observer) {
        this.freshnessObserver = observer;
    }

    Timer freshnessTimer() {
        return freshness;
    }

    void retry(String cause) {
        counter("fnscope.writer.retries", "Flushes put back for a retry, by cause", "cause", cause).increment();
    }

    void flush(String trigger) {
        counter("fnscope.writer.flushes", "Flushes by trigger", "trigger", trigger).increment();
    }

    void recordFallback(Table table) {
        counter("fnscope.writer.record.fallbacks", "Batches refused by ClickHouse as a whole and re-inserted record by record",
                "table", table.tableName()).increment();
    }

    void paused(boolean p) {
        paused.set(p ? 1 : 0);
    }

    void lag(TopicPartition tp, long records) {
        lag.put(tp, records);
        lagGauges.computeIfAbsent(tp, k -> Gauge.builder("fnscope.writer.lag.records", lag,
                        m -> m.getOrDefault(k, 0L).doubleValue())
                .description("End offset minus the writer's position, per assigned partition")
                .tag("topic", k.topic()).tag("partition", Integer.toString(k.partition()))
                .register(registry));
    }

    /** A partition left this writer: its lag is someone else's now. */
    void forget(TopicPartition tp) {
        lag.remove(tp);
        Gauge g = lagGauges.remove(tp);
        if (g != null) {
            registry.remove(g);
        }
    }

    /** Sum of the lag of every assigned partition (tests and benchmarks). */
    long totalLag() {
        return lag.values().stream().mapToLong(Long::longValue).sum();
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + String.join(",", tags);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private DistributionSummary summary(String name, String description, Table table, String unit) {
        return summaries.computeIfAbsent(name + ":" + table.tableName(), k -> DistributionSummary.builder(name)
                .description(description).baseUnit(unit).tag("table", table.tableName()).register(registry));
    }
}
