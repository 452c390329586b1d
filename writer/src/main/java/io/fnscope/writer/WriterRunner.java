package io.fnscope.writer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/** Runs a {@link Writer}'s loop on its own thread, from start-up to {@link #stop()}. */
final class WriterRunner {
    private static final Logger LOG = LoggerFactory.getLogger(WriterRunner.class);

    private final Writer writer;
    private final Duration shutdownTimeout;
    private final Thread thread;
    /** What ended the loop, when it ended by an error rather than {@link #stop()}. */
    private volatile Throwable failure;

    WriterRunner(Writer writer, Duration shutdownTimeout) {
        this.writer = writer;
        this.shutdownTimeout = shutdownTimeout;
        this.thread = new Thread(this::loop, "fnscope-writer");
    }

    WriterRunner start() {
        thread.start();
        return this;
    }

    Writer writer() {
        return writer;
    }

    /** The error that ended the loop, or null while it runs or after an orderly stop. */
    Throwable failure() {
        return failure;
    }

    private void loop() {
        try {
            writer.subscribe();
            LOG.info("Writer started");
            writer.run();
            LOG.info("Writer stopped");
        } catch (Throwable t) {
            failure = t;
            LOG.error("Writer loop ended by an unexpected error; no more telemetry is written until restart", t);
            writer.close();
        }
    }

    /** Stops the loop (its last flush included) and waits for it, at most the shutdown timeout. */
    void stop() {
        writer.stop();
        try {
            thread.join(shutdownTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Writer did not stop within {}; interrupting it (its batch will be read again)", shutdownTimeout);
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
