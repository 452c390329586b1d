package io.fnscope.collector;

import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.kafka.KafkaCluster;
import io.fnscope.pipeline.kafka.KafkaReadiness;
import io.fnscope.tenancy.Credentials;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Builds the collector's plain classes from configuration: the same objects in the all-in-one and in a
 * collector-only process. Nothing here runs unless {@code fnscope.collector.enabled}.
 */
@Factory
@Requires(property = "fnscope.collector.enabled", notEquals = "false")
class CollectorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorFactory.class);
    /** How long start-up waits for the producer to learn where the topics live. */
    private static final Duration METADATA_WARM_UP = Duration.ofSeconds(10);

    @Singleton
    CollectorMetrics collectorMetrics(MeterRegistry registry) {
        return new CollectorMetrics(registry);
    }

    @Singleton
    InFlightBudget inFlightBudget(CollectorSettings settings, CollectorMetrics metrics) {
        InFlightBudget budget = new InFlightBudget(settings.maxInFlightBytes());
        metrics.inFlight(budget::used, budget.max());
        return budget;
    }

    @Singleton
    @Bean(preDestroy = "close")
    KafkaGate kafkaGate(KafkaCluster cluster, CollectorSettings settings) {
        return new KafkaGate(cluster::newAdmin, cluster::diskShortage, settings.kafka().probeInterval());
    }

    /** Depends on {@link KafkaReadiness} so the topics exist (it creates them) before the producer looks them up. */
    @Singleton
    @Bean(preDestroy = "close")
    KafkaSink kafkaSink(KafkaCluster cluster, KafkaReadiness readiness, CollectorSettings settings, KafkaGate gate,
                        CollectorMetrics metrics) {
        Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(cluster, settings),
                new ByteArraySerializer(), new ByteArraySerializer());
        if (readiness.isReady()) {
            warmUp(producer, cluster);
        }
        return new KafkaSink(producer, cluster.topics(), gate, metrics);
    }

    @Singleton
    RateLimiter rateLimiter(CollectorSettings settings) {
        return new RateLimiter(settings.rateLimit(), Clock.systemUTC());
    }

    @Singleton
    Ingest ingest(CollectorSettings settings, RateLimiter rateLimiter, InFlightBudget budget, KafkaGate gate,
                  KafkaSink sink, CollectorMetrics metrics,
                  @Value("${micronaut.server.max-request-buffer-size:10485760}") long bufferLimit) {
        if (settings.maxRequestBytes() > bufferLimit) {
            throw new IllegalArgumentException("fnscope.collector.max-request-bytes (" + settings.maxRequestBytes()
                    + ") is above micronaut.server.max-request-buffer-size (" + bufferLimit + "), so OTLP/HTTP bodies"
                    + " would be cut off before the collector's own limit. Raise micronaut.server.max-request-buffer-size"
                    + " (and micronaut.server.max-request-size) with it, or lower fnscope.collector.max-request-bytes.");
        }
        return new Ingest(settings, rateLimiter, budget, gate, sink, metrics, Clock.systemUTC());
    }

    @Context
    @Bean(preDestroy = "close")
    OtlpGrpcServer otlpGrpcServer(CollectorSettings settings, Ingest ingest, CollectorMetrics metrics,
                                  Credentials credentials, @Value("${fnscope.listen-host:127.0.0.1}") String host) {
        return new OtlpGrpcServer(host, settings.grpcPort(), settings.maxRequestBytes(), ingest, metrics, credentials)
                .start();
    }

    /**
     * The producer: always idempotent with {@code acks=all}; batching and compression from
     * {@code fnscope.collector.kafka.*} (chosen by measurement, collector/RATIONALE.md); buffer memory above the
     * in-flight budget so {@code send()} never waits for space; topic metadata kept for a week so an idle signal's
     * topic never has to be looked up again on a transport thread.
     */
    static Map<String, Object> producerProperties(KafkaCluster cluster, CollectorSettings settings) {
        CollectorSettings.Kafka k = settings.kafka();
        long linger = k.linger().toMillis();
        long request = k.requestTimeout().toMillis();
        long delivery = k.deliveryTimeout().toMillis();
        if (delivery < linger + request) {
            throw new IllegalArgumentException("fnscope.collector.kafka.delivery-timeout (" + delivery + " ms) must be at"
                    + " least fnscope.collector.kafka.linger + fnscope.collector.kafka.request-timeout (" + (linger + request)
                    + " ms); raise it, keeping it below the exporters' timeout (OTel default 10 s)");
        }
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fnscope-collector");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, k.batchSize());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, k.compression());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, k.maxBlock().toMillis());
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2 * settings.maxInFlightBytes() + 32L * 1024 * 1024);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1024 * 1024, settings.maxRecordBytes() + 64 * 1024));
        p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Duration.ofDays(7).toMillis());
        p.putAll(k.producer());
        return p;
    }

    /**
     * Looks up every topic the collector writes, so that no request waits for metadata (with {@code max.block.ms}
     * at 0 a send to an unknown topic fails at once). Bounded; Kafka being absent only delays the first sends.
     */
    private static void warmUp(Producer<byte[], byte[]> producer, KafkaCluster cluster) {
        long deadline = System.nanoTime() + METADATA_WARM_UP.toNanos();
        for (Signal s : Signal.values()) {
            String topic = cluster.topics().of(s);
            while (true) {
                try {
                    producer.partitionsFor(topic);
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        LOG.warn("Kafka metadata for {} not available yet ({}); the first requests may get 503", topic, e.toString());
                        return;
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
