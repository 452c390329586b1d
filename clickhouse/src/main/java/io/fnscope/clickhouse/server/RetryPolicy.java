package io.fnscope.clickhouse.server;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the server transport retries a call that failed because ClickHouse was unavailable: up to {@code retries}
 * more attempts, waiting {@code initialBackoff}, then twice as long each time up to {@code maxBackoff}, each wait
 * jittered down to half so that many writers do not retry in step.
 *
 * <p>What is retried (decided by {@link ServerClickHouse}): queries, always (they read); inserts, when nothing was
 * sent or a deduplication token makes a repeat harmless; other statements only when nothing was sent (connection
 * refused, HTTP 502/503 from a proxy). ClickHouse query errors are never retried here, transient or not: the
 * caller sees {@code isRetryable()} and decides with its own context (the writer keeps its batch).
 */
record RetryPolicy(int retries, Duration initialBackoff, Duration maxBackoff) {
    RetryPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0: " + retries);
        }
    }

    /** The wait before attempt {@code attempt + 1} (attempt counts from 1). */
    Duration backoff(int attempt) {
        long base = initialBackoff.toMillis();
        long ms = base <= 0 ? 0 : Math.min(maxBackoff.toMillis(), base << Math.min(attempt - 1, 20));
        long half = ms / 2;
        return Duration.ofMillis(half + (half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1)));
    }

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        Sleeper REAL = d -> Thread.sleep(d.toMillis());

        void sleep(Duration d) throws InterruptedException;
    }
}
