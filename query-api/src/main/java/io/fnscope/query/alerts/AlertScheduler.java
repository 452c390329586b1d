package io.fnscope.query.alerts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Evaluator#runIfLeader} every interval on one daemon thread, from a few seconds after start-up (so the
 * first round does not compete with the start) and aligned to the interval, so replicas try for the same lease term
 * at about the same time. A round that fails is logged and the next one runs as planned.
 */
final class AlertScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertScheduler.class);

    private final ScheduledExecutorService executor;

    private AlertScheduler(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    static AlertScheduler start(Evaluator evaluator, Duration interval) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fnscope-alerts");
            t.setDaemon(true);
            return t;
        });
        long period = interval.toMillis();
        long now = System.currentTimeMillis();
        long first = Math.max(5_000, period - now % period + 1_000);
        executor.scheduleAtFixedRate(() -> {
            try {
                Evaluator.Round r = evaluator.runIfLeader();
                if (r.leader()) {
                    LOG.debug("alerts round: {} budgets, {} rules, {} notifications, {} failed", r.budgets(),
                            r.rules(), r.notifications(), r.failures());
                }
            } catch (RuntimeException e) {
                LOG.warn("alerts round failed: {}", e.toString());
            }
        }, first, period, TimeUnit.MILLISECONDS);
        LOG.info("Alert evaluation every {} (first round in {} s)", Windows.format(interval), first / 1000);
        return new AlertScheduler(executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
