package io.fnscope.collector;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Graceful shutdown of the collector: stop accepting (gRPC stops taking calls, HTTP answers 503 with Retry-After so
 * exporters go elsewhere or retry), flush the producer so every request already accepted is acknowledged and
 * answered, wait for in-flight requests (at most {@code fnscope.collector.shutdown-timeout}), then let the producer
 * and the Kafka cluster close (they are this bean's dependencies, so Micronaut destroys them after it).
 */
@Context
@Requires(property = "fnscope.collector.enabled", notEquals = "false")
class CollectorShutdown implements GracefulShutdownCapable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorShutdown.class);

    private final Ingest ingest;
    private final OtlpGrpcServer grpc;
    private final KafkaSink sink;
    private final InFlightBudget budget;
    private final CollectorSettings settings;
    private volatile boolean done;

    CollectorShutdown(Ingest ingest, OtlpGrpcServer grpc, KafkaSink sink, InFlightBudget budget, CollectorSettings settings) {
        this.ingest = ingest;
        this.grpc = grpc;
        this.sink = sink;
        this.budget = budget;
        this.settings = settings;
    }

    @Override
    public CompletionStage<?> shutdownGracefully() {
        return CompletableFuture.runAsync(this::stop);
    }

    @Override
    public java.util.OptionalLong reportActiveTasks() {
        return java.util.OptionalLong.of(budget.used() > 0 ? 1 : 0);
    }

    @PreDestroy
    synchronized void stop() {
        if (done) {
            return;
        }
        done = true;
        long started = System.nanoTime();
        long deadline = started + settings.shutdownTimeout().toNanos();
        ingest.drain();
        grpc.shutdown();
        sink.flush();
        try {
            grpc.awaitTermination(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            while (budget.used() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (budget.used() > 0) {
            LOG.warn("Collector shut down with {} bytes still unacknowledged by Kafka after {}", budget.used(),
                    settings.shutdownTimeout());
        } else {
            LOG.info("Collector stopped accepting, flushed and answered everything in flight in {} ms",
                    (System.nanoTime() - started) / 1_000_000);
        }
    }
}
