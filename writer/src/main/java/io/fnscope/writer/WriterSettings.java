package io.fnscope.writer;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.util.Map;

/**
 * The writer ({@code fnscope.writer.*}): Kafka to ClickHouse. Every key is documented, with its default, under
 * "Writer" in docs/configuration.md; writer/RATIONALE.md says why the defaults are what they are.
 *
 * <p>A flush happens when the rows taken reach {@code max-batch-rows}, their encoded bytes reach
 * {@code max-batch-bytes}, or the oldest record has waited {@code flush-interval}: whichever comes first. Freshness
 * (accepted by the collector → queryable) is about {@code flush-interval} plus one insert.
 *
 * @param enabled             run the writer in this process
 * @param groupId             Kafka consumer group; writers with the same group share the partitions
 * @param flushInterval       longest time a record waits in the writer before its batch is flushed
 * @param maxBatchRows        rows (all tables, all partitions) that trigger a flush
 * @param maxBatchBytes       encoded Native column bytes (all tables, all partitions) that trigger a flush; lowered
 *                            at start-up to what the heap holds ({@link #fittedToHeap})
 * @param maxPollRecords      Kafka {@code max.poll.records}: records one poll returns at most
 * @param pollTimeout         longest a poll waits for records; bounds how quickly a flush or a stop is noticed
 * @param insertParallelism   inserts of one flush that run at once (one per source partition and table)
 * @param retryInitialBackoff wait before retrying a flush that failed because ClickHouse (or Kafka) was unavailable
 * @param retryMaxBackoff     the wait doubles per failed attempt up to this
 * @param shutdownTimeout     how long a stop waits for the last flush
 * @param consumer            raw Kafka consumer properties, applied last (after {@code fnscope.kafka.client.*})
 */
@ConfigurationProperties("fnscope.writer")
public record WriterSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "fnscope-writer") @NotBlank String groupId,
        @Bindable(defaultValue = "500ms") @NotNull Duration flushInterval,
        @Bindable(defaultValue = "200000") @Min(1) int maxBatchRows,
        @Bindable(defaultValue = "64MB") @ReadableBytes @Min(1024) @Max(1_073_741_824) long maxBatchBytes,
        @Bindable(defaultValue = "1000") @Min(1) int maxPollRecords,
        @Bindable(defaultValue = "100ms") @NotNull Duration pollTimeout,
        @Bindable(defaultValue = "2") @Min(1) @Max(64) int insertParallelism,
        @Bindable(defaultValue = "200ms") @NotNull Duration retryInitialBackoff,
        @Bindable(defaultValue = "30s") @NotNull Duration retryMaxBackoff,
        @Bindable(defaultValue = "15s") @NotNull Duration shutdownTimeout,
        @Nullable Map<String, String> consumer) {

    public WriterSettings {
        consumer = consumer == null ? Map.of() : Map.copyOf(consumer);
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("fnscope.writer.flush-interval must be positive: " + flushInterval);
        }
        if (pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("fnscope.writer.poll-timeout must be positive: " + pollTimeout);
        }
        if (retryInitialBackoff.isNegative() || retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
            throw new IllegalArgumentException("fnscope.writer.retry-max-backoff (" + retryMaxBackoff
                    + ") must be at least fnscope.writer.retry-initial-backoff (" + retryInitialBackoff + ")");
        }
    }

    /**
     * Heap the writer needs per byte of {@code max-batch-bytes} under full load: measured 10.5-13.3 (live heap after
     * full GCs of 676-854 MB at 64 MB, with the Kafka consumer's fetches; 256 MB ran out of a 3 GB heap), since the
     * open batch may grow to twice the limit while a flush is in flight and column buffers grow by doubling.
     */
    static final int HEAP_PER_BATCH_BYTE = 16;
    /** The least {@code max-batch-bytes} a small heap is given: below it inserts would be tiny. */
    static final long MIN_FITTED_BATCH_BYTES = 1L << 20;

    /**
     * These settings with {@code max-batch-bytes} lowered, when needed, to what a heap of {@code maxHeap} bytes
     * holds under full load ({@link #HEAP_PER_BATCH_BYTE}): a writer with too large batches for its heap would run
     * out of memory when a backlog comes, and a smaller batch only costs larger-insert efficiency.
     */
    WriterSettings fittedToHeap(long maxHeap) {
        long fits = Math.max(MIN_FITTED_BATCH_BYTES, maxHeap / HEAP_PER_BATCH_BYTE);
        return maxBatchBytes <= fits ? this : withFlush(flushInterval, maxBatchRows, fits);
    }

    /** The documented defaults, for tests and benchmarks. */
    static WriterSettings defaults() {
        return new WriterSettings(true, "fnscope-writer", Duration.ofMillis(500), 200_000, 64L * 1024 * 1024, 1000,
                Duration.ofMillis(100), 2, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(15),
                Map.of());
    }

    WriterSettings withFlush(Duration interval, int rows, long bytes) {
        return new WriterSettings(enabled, groupId, interval, rows, bytes, maxPollRecords, pollTimeout,
                insertParallelism, retryInitialBackoff, retryMaxBackoff, shutdownTimeout, consumer);
    }

    WriterSettings withGroupId(String group) {
        return new WriterSettings(enabled, group, flushInterval, maxBatchRows, maxBatchBytes, maxPollRecords,
                pollTimeout, insertParallelism, retryInitialBackoff, retryMaxBackoff, shutdownTimeout, consumer);
    }

    WriterSettings withRetry(Duration initial, Duration max) {
        return new WriterSettings(enabled, groupId, flushInterval, maxBatchRows, maxBatchBytes, maxPollRecords,
                pollTimeout, insertParallelism, initial, max, shutdownTimeout, consumer);
    }

    WriterSettings withMaxPollRecords(int n) {
        return new WriterSettings(enabled, groupId, flushInterval, maxBatchRows, maxBatchBytes, n, pollTimeout,
                insertParallelism, retryInitialBackoff, retryMaxBackoff, shutdownTimeout, consumer);
    }

    WriterSettings withInsertParallelism(int n) {
        return new WriterSettings(enabled, groupId, flushInterval, maxBatchRows, maxBatchBytes, maxPollRecords,
                pollTimeout, n, retryInitialBackoff, retryMaxBackoff, shutdownTimeout, consumer);
    }
}
