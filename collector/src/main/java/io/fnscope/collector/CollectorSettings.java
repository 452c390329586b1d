package io.fnscope.collector;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.time.Duration;
import java.util.Map;

/**
 * Everything the collector can be told: ports, limits, back-pressure and the Kafka producer. Every key is
 * documented, with its default, under "Collector" in docs/configuration.md; collector/RATIONALE.md says why the
 * defaults are what they are.
 *
 * @param enabled                 run the collector role in this process
 * @param httpPort                OTLP/HTTP and Lambda telemetry port (the Micronaut listener named {@code otlp})
 * @param grpcPort                OTLP/gRPC port
 * @param maxRequestBytes         largest request body, after decompression; larger requests get 413 /
 *                                RESOURCE_EXHAUSTED. Must not exceed {@code micronaut.server.max-request-buffer-size}
 * @param maxItemsPerRequest      most spans, metric data points, log records or Lambda events in one request;
 *                                more get 413 / RESOURCE_EXHAUSTED
 * @param maxAttributes           most attributes kept per span, event, link, log record, data point, resource and
 *                                scope; the rest are dropped and counted in {@code dropped_attributes_count}
 * @param maxAttributeValueLength longest string attribute value, in UTF-16 characters as the OTel SDK counts them;
 *                                longer values are truncated
 * @param maxEventsPerSpan        most events kept per span (the rest dropped, {@code dropped_events_count} raised)
 * @param maxLinksPerSpan         most links kept per span (the rest dropped, {@code dropped_links_count} raised)
 * @param maxRecordBytes          largest Kafka record value; bigger requests are split along resource and scope
 *                                boundaries. Just under 1 MiB so clusters with the default
 *                                {@code max.message.bytes} accept every record
 * @param maxInFlightBytes        request bytes accepted but not yet acknowledged by Kafka; beyond it requests get
 *                                503 / UNAVAILABLE instead of queueing without bound
 * @param maxTimeAhead            how far ahead of the collector's clock an item's time may be; items further ahead
 *                                are rejected (a clock years off would put them in partitions that outlive every
 *                                retention). 0 accepts any time the tables can partition (up to 2149-06-06)
 * @param retryAfter              what 503 / UNAVAILABLE answers tell the exporter to wait
 * @param shutdownTimeout         how long a graceful shutdown waits for in-flight requests and the producer flush
 * @param rateLimit               optional per-tenant ingest rate limit
 * @param kafka                   the Kafka producer
 */
@ConfigurationProperties("fnscope.collector")
public record CollectorSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "4318") int httpPort,
        @Bindable(defaultValue = "4317") int grpcPort,
        @Bindable(defaultValue = "8388608") @Min(1024) int maxRequestBytes,
        @Bindable(defaultValue = "10000") @Min(1) int maxItemsPerRequest,
        @Bindable(defaultValue = "128") @Min(0) int maxAttributes,
        @Bindable(defaultValue = "16384") @Min(1) int maxAttributeValueLength,
        @Bindable(defaultValue = "128") @Min(0) int maxEventsPerSpan,
        @Bindable(defaultValue = "128") @Min(0) int maxLinksPerSpan,
        @Bindable(defaultValue = "1000000") @Min(16384) int maxRecordBytes,
        @Bindable(defaultValue = "67108864") @Min(1048576) long maxInFlightBytes,
        @Bindable(defaultValue = "1d") @NotNull Duration maxTimeAhead,
        @Bindable(defaultValue = "2s") @NotNull Duration retryAfter,
        @Bindable(defaultValue = "10s") @NotNull Duration shutdownTimeout,
        @Nullable RateLimit rateLimit,
        @Nullable Kafka kafka) {

    public CollectorSettings {
        if (maxTimeAhead != null && maxTimeAhead.isNegative()) {
            throw new IllegalArgumentException("fnscope.collector.max-time-ahead must not be negative, got " + maxTimeAhead
                    + " (0 accepts any time)");
        }
        rateLimit = rateLimit == null ? RateLimit.DEFAULT : rateLimit;
        kafka = kafka == null ? Kafka.DEFAULT : kafka;
    }

    /**
     * Per-tenant token bucket on items (spans, data points, log records, Lambda events) per second. Off by default.
     *
     * @param itemsPerSecond default rate of every tenant; 0 turns the limit off
     * @param burstSeconds   bucket size in seconds of rate: how much a quiet tenant may send at once
     * @param tenants        per-tenant rates (items/s) that replace the default; 0 exempts a tenant
     */
    @ConfigurationProperties("rate-limit")
    public record RateLimit(
            @Bindable(defaultValue = "0") @Min(0) long itemsPerSecond,
            @Bindable(defaultValue = "2") @Min(1) int burstSeconds,
            @Nullable Map<String, Long> tenants) {
        static final RateLimit DEFAULT = new RateLimit(0, 2, Map.of());

        public RateLimit {
            tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        }

        long rateOf(String tenant) {
            Long r = tenants.get(tenant);
            return r == null ? itemsPerSecond : r;
        }
    }

    /**
     * The collector's Kafka producer. It is always idempotent with {@code acks=all}; these keys tune batching,
     * compression and how fast a stuck Kafka turns into 503s. collector/RATIONALE.md has the measurements behind
     * the defaults.
     *
     * @param linger          {@code linger.ms}: how long a batch waits for more records
     * @param batchSize       {@code batch.size} in bytes
     * @param compression     {@code compression.type}: lz4, zstd, snappy, gzip or none
     * @param deliveryTimeout {@code delivery.timeout.ms}: a send not acknowledged by then fails and the exporter gets
     *                        503; keep it below the exporters' timeout (OTel default 10 s)
     * @param requestTimeout  {@code request.timeout.ms}
     * @param maxBlock        {@code max.block.ms}: how long {@code send()} may wait for metadata on the transport
     *                        thread; 0 never blocks (an unknown topic fails the request with 503 at once)
     * @param probeInterval   while Kafka is known to be down, how often the collector checks whether it is back
     * @param producer        raw producer properties applied last (after {@code fnscope.kafka.client})
     */
    @ConfigurationProperties("kafka")
    public record Kafka(
            @Bindable(defaultValue = "5ms") @NotNull Duration linger,
            @Bindable(defaultValue = "1048576") @Min(1024) int batchSize,
            @Bindable(defaultValue = "lz4") @Pattern(regexp = "lz4|zstd|snappy|gzip|none") String compression,
            @Bindable(defaultValue = "5s") @NotNull Duration deliveryTimeout,
            @Bindable(defaultValue = "2s") @NotNull Duration requestTimeout,
            @Bindable(defaultValue = "0ms") @NotNull Duration maxBlock,
            @Bindable(defaultValue = "1s") @NotNull Duration probeInterval,
            @Nullable Map<String, String> producer) {
        static final Kafka DEFAULT = new Kafka(Duration.ofMillis(5), 1048576, "lz4", Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(1), Map.of());

        public Kafka {
            producer = producer == null ? Map.of() : Map.copyOf(producer);
        }
    }

    /** Settings for tests and benchmarks: the documented defaults. */
    static CollectorSettings defaults() {
        return new CollectorSettings(true, 4318, 4317, 8388608, 10000, 128, 16384, 128, 128, 1000000, 67108864L,
                Duration.ofDays(1), Duration.ofSeconds(2), Duration.ofSeconds(10), RateLimit.DEFAULT, Kafka.DEFAULT);
    }
}
