package io.fnscope.pipeline.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/**
 * {@code fnscope_kafka_embedded_disk_free_bytes} and {@code fnscope_kafka_embedded_disk_reserve_bytes}: the two
 * figures {@link LogDirSpace} compares, so that an alert can fire before the collector starts refusing telemetry
 * (deploy/prometheus/fnscope-rules.yml). Only in a process with the embedded broker; free space is read at each
 * scrape.
 */
@Context
@Requires(beans = MeterRegistry.class)
@Requires(property = "fnscope.kafka.embedded.enabled", value = "true")
final class EmbeddedDiskMetrics {

    EmbeddedDiskMetrics(KafkaCluster cluster, MeterRegistry registry) {
        cluster.embeddedDisk().ifPresent(disk -> {
            Gauge.builder("fnscope.kafka.embedded.disk.free", disk, LogDirSpace::freeBytes).baseUnit("bytes")
                    .description("Free space on the disk of the embedded Kafka log (-1: cannot be read)")
                    .register(registry);
            Gauge.builder("fnscope.kafka.embedded.disk.reserve", disk, LogDirSpace::reserveBytes).baseUnit("bytes")
                    .description("Space kept free there: below it the collector answers 503"
                            + " (fnscope.kafka.embedded.min-free-disk)")
                    .register(registry);
        });
    }
}
