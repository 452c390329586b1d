package io.fnscope.pipeline.kafka;

import io.fnscope.pipeline.ByteSizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The free space under the embedded broker's log directory, against the reserve fnscope keeps there
 * ({@code fnscope.kafka.embedded.min-free-disk}).
 *
 * <p>Why a reserve: Kafka takes an append that fails for lack of space for a failed disk, stops serving the log
 * directory, and with its only directory gone halts the JVM, and the all-in-one with it. So the collector stops
 * accepting records while the free space is under the reserve (it answers 503, which exporters retry), and the
 * reserve serves what must still be appended: the writer's consumer offsets, dead letters, the cluster metadata.
 * Nothing already accepted is lost; new telemetry is accepted again as soon as space is freed.
 *
 * <p>The collector asks with every request, so the file system is asked at most every 250 ms (one
 * {@code statvfs}) and the answer kept in between.
 */
public final class LogDirSpace {
    private static final Logger LOG = LoggerFactory.getLogger(LogDirSpace.class);
    static final Duration LOOK_EVERY = Duration.ofMillis(250);
    static final String KEY = "fnscope.kafka.embedded.min-free-disk";

    private final Path dir;
    private final long reserveBytes;
    private final LongSupplier usableBytes;
    private final LongSupplier nanoTime;
    private volatile long lookedAt;
    private volatile String shortage;

    LogDirSpace(Path dir, long reserveBytes, LongSupplier usableBytes, LongSupplier nanoTime) {
        this.dir = dir;
        this.reserveBytes = reserveBytes;
        this.usableBytes = usableBytes;
        this.nanoTime = nanoTime;
        this.lookedAt = nanoTime.getAsLong() - LOOK_EVERY.toNanos(); // the first question looks
    }

    /** The space of the file system that holds {@code dir}; a reserve of 0 turns the check off. */
    static LogDirSpace of(Path dir, long reserveBytes) {
        FileStore store;
        try {
            store = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find the file system of the embedded Kafka log " + dir, e);
        }
        return new LogDirSpace(dir, reserveBytes, () -> {
            try {
                return store.getUsableSpace();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, System::nanoTime);
    }

    /** The free space now (one {@code statvfs}, for a metrics scrape), or -1 when it cannot be read. */
    public long freeBytes() {
        try {
            return usableBytes.getAsLong();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /** The space kept free ({@code fnscope.kafka.embedded.min-free-disk}); 0 when the check is off. */
    public long reserveBytes() {
        return reserveBytes;
    }

    /**
     * Why records must be refused now: a sentence naming the directory, its free space and the key, or null while
     * there is enough space.
     */
    public String shortage() {
        if (reserveBytes <= 0) {
            return null;
        }
        long now = nanoTime.getAsLong();
        if (now - lookedAt >= LOOK_EVERY.toNanos()) {
            look(now);
        }
        return shortage;
    }

    private synchronized void look(long now) {
        if (now - lookedAt < LOOK_EVERY.toNanos()) {
            return;
        }
        String before = shortage;
        try {
            long free = usableBytes.getAsLong();
            shortage = free < reserveBytes
                    ? "the disk of the embedded Kafka log is nearly full: " + ByteSizes.readable(free) + " free under "
                    + dir + ", less than the " + ByteSizes.readable(reserveBytes) + " kept free (" + KEY + ")"
                    : null;
        } catch (UncheckedIOException e) {
            // Cannot tell (the directory moved?): keep the last answer rather than refuse or accept on a guess.
            LOG.debug("Cannot read the free space under {}: {}", dir, e.getCause().toString());
        }
        lookedAt = now;
        if (before == null && shortage != null) {
            LOG.warn("Refusing telemetry (503): {}. Free space on that disk; what was accepted is kept and written"
                    + " on. Kafka would halt this process if the disk filled up.", shortage);
        } else if (before != null && shortage == null) {
            LOG.info("The disk of the embedded Kafka log has {} or more free again; accepting telemetry",
                    ByteSizes.readable(reserveBytes));
        }
    }
}
