package io.fnscope.collector;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Whether Kafka can take records now. A send that fails with a retriable error (timeout, lost connection, no
 * leader...) marks it down; from then on requests are answered 503 / UNAVAILABLE at once, before their body is
 * read, instead of each waiting out the delivery timeout. While down, a probe asks the cluster every
 * {@code probe-interval} and opens the gate again when it answers. The gate is also closed while the embedded
 * broker's disk is nearly full ({@link io.fnscope.pipeline.kafka.LogDirSpace}): there the refusal comes before
 * the failure, since a failed append halts the embedded broker and the process with it.
 */
final class KafkaGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGate.class);

    private final Supplier<Admin> adminFactory;
    private final Supplier<String> diskShortage;
    private final Duration probeInterval;
    private final ScheduledExecutorService prober;
    private volatile String downBecause;
    private Admin admin;

    /**
     * @param diskShortage why the embedded broker's disk cannot take records now, or null (always null for an
     *                     external cluster)
     */
    KafkaGate(Supplier<Admin> adminFactory, Supplier<String> diskShortage, Duration probeInterval) {
        this.adminFactory = adminFactory;
        this.diskShortage = diskShortage;
        this.probeInterval = probeInterval;
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fnscope-collector-kafka-probe");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(50, probeInterval.toMillis());
        prober.scheduleWithFixedDelay(this::probeOnce, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Why Kafka cannot take records now, for the 503 message; null while it can. */
    String downBecause() {
        String failed = downBecause;
        return failed != null ? failed : diskShortage.get();
    }

    /** Called with every failed send; only failures that say "Kafka is unreachable or unwell" close the gate. */
    void onFailure(Throwable e) {
        if (e instanceof RetriableException || e instanceof TimeoutException) {
            if (downBecause == null) {
                LOG.warn("Kafka sends fail ({}); answering 503 / UNAVAILABLE until Kafka answers again",
                        e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            downBecause = e.getClass().getSimpleName();
        }
    }

    /** One probe while down: the gate opens when the cluster describes itself within the probe interval. */
    void probeOnce() {
        if (downBecause == null) {
            return;
        }
        try {
            if (admin == null) {
                admin = adminFactory.get();
            }
            admin.describeCluster().nodes().get(Math.max(500, probeInterval.toMillis()), TimeUnit.MILLISECONDS);
            downBecause = null;
            LOG.info("Kafka answers again; accepting telemetry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Kafka still down: {}", e.toString());
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
