package io.fnscope.writer;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's part of {@code /health} and {@code /health/liveness}: DOWN once its loop has ended by an error, since
 * such a process no longer writes and only a restart brings it back (a liveness probe does that). A flush that keeps
 * failing (ClickHouse slow or down) leaves it UP, with the attempts and the last error in the details: the writer
 * retries by itself, and a restart would only read the same records again.
 */
@Singleton
@Liveness
@Requires(property = "fnscope.writer.enabled", notEquals = "false")
class WriterHealth implements HealthIndicator {
    private final WriterRunner runner;

    WriterHealth(WriterRunner runner) {
        this.runner = runner;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        Throwable failure = runner.failure();
        HealthStatus status = failure == null ? HealthStatus.UP : HealthStatus.DOWN;
        if (failure != null) {
            details.put("state", "failed");
            // The class and message only: no stack, and ClickHouse or Kafka errors name no credentials.
            details.put("error", failure.getClass().getName() + ": " + failure.getMessage());
        } else {
            details.put("state", runner.writer().isStopped() ? "stopped" : "running");
        }
        Writer.FlushFailure flush = runner.writer().flushFailure();
        if (flush != null) {
            details.put("failedFlushAttempts", flush.attempts());
            details.put("lastFlushError", flush.cause() + ": " + flush.message());
        }
        return Publishers.just(HealthResult.builder("writer", status).details(details).build());
    }
}
