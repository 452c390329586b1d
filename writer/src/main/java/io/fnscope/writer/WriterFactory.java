package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.clickhouse.RetentionSettings;
import io.fnscope.clickhouse.RetentionSync;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.pipeline.kafka.KafkaCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the writer's plain classes from configuration and starts its loop on its own thread: the same objects in
 * the all-in-one and in a writer-only process. Nothing here exists unless {@code fnscope.writer.enabled}.
 *
 * <p>Start-up checks the tables match the encoders ({@link SchemaCheck}) and brings the tables' TTLs to the
 * configured retention ({@link RetentionSync}). The runner depends on the Kafka cluster and on ClickHouse, so at
 * shutdown it stops (and makes its last flush) before ClickHouse is closed, and ClickHouse before the embedded
 * Kafka broker.
 */
@Factory
@Requires(property = "fnscope.writer.enabled", notEquals = "false")
class WriterFactory {
    private static final Logger LOG = LoggerFactory.getLogger(WriterFactory.class);

    @Singleton
    WriterMetrics writerMetrics(MeterRegistry registry) {
        return new WriterMetrics(registry);
    }

    /** The argument order matters: Kafka is created before ClickHouse, so it is closed after it. */
    @Context
    @Bean(preDestroy = "stop")
    WriterRunner writerRunner(KafkaCluster cluster, ClickHouse clickHouse, InvocationPricer pricer,
                              WriterSettings settings, RetentionSettings retention, WriterMetrics metrics,
                              List<ConnectedTracesListener> connectedTraces) {
        SchemaCheck.verify(clickHouse);
        List<String> changed = RetentionSync.apply(clickHouse, retention);
        if (!changed.isEmpty()) {
            LOG.info("Retention applied to {}", changed);
        }
        Writer writer = build(cluster, clickHouse, pricer, fitted(settings, Runtime.getRuntime().maxMemory()), metrics,
                Clock.systemUTC());
        // The query API's transaction labels, in every process that writes (TransactionLabeller there). Without a
        // listener the writer does not collect edges at all.
        if (!connectedTraces.isEmpty()) {
            writer.connectedTraces(traces -> connectedTraces.forEach(l -> l.written(traces)));
        }
        return new WriterRunner(writer, settings.shutdownTimeout()).start();
    }

    /** {@code settings} fitted to the heap, saying so when {@code max-batch-bytes} had to be lowered. */
    static WriterSettings fitted(WriterSettings settings, long maxHeap) {
        WriterSettings fitted = settings.fittedToHeap(maxHeap);
        if (fitted.maxBatchBytes() < settings.maxBatchBytes()) {
            LOG.warn("fnscope.writer.max-batch-bytes lowered from {} to {} bytes: under load the writer holds about {}x "
                            + "this in heap, and the JVM's max heap is {} bytes (raise it, e.g. FNSCOPE_HEAP, to keep the "
                            + "configured value)", settings.maxBatchBytes(), fitted.maxBatchBytes(),
                    WriterSettings.HEAP_PER_BATCH_BYTE, maxHeap);
        }
        return fitted;
    }

    /** A writer on the cluster's topics, not yet subscribed. Tests and benchmarks build theirs here too. */
    static Writer build(KafkaCluster cluster, ClickHouse clickHouse, InvocationPricer pricer, WriterSettings settings,
                        WriterMetrics metrics, Clock clock) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(cluster.clientProperties(), settings,
                cluster.isEmbedded()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(cluster.clientProperties()),
                new ByteArraySerializer(), new ByteArraySerializer());
        ExecutorService pool = insertPool(settings.insertParallelism());
        return new Writer(consumer, clickHouse, new RecordRows(pricer), new DeadLetters(producer, cluster.topics().deadLetter()),
                new TopicIds(cluster::newAdmin), metrics, settings, clock, cluster.topics(), pool);
    }

    /** Static membership's id of the all-in-one's writer ({@link #consumerProperties}). */
    static final String ALL_IN_ONE_MEMBER = "fnscope-all-in-one-writer";

    static Map<String, Object> consumerProperties(Map<String, Object> client, WriterSettings settings, boolean embedded) {
        Map<String, Object> p = new java.util.HashMap<>(client);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        if (embedded) {
            // The process that owns the embedded broker is its group's only writer, so it can be a static member:
            // after a crash (kill -9, out of memory) the restarted writer takes its partitions back at once,
            // instead of waiting for the dead member's session to expire (45 s to 75 s measured, nothing written
            // meanwhile). fnscope.writer.consumer.* can still set another id.
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, ALL_IN_ONE_MEMBER);
        }
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "fnscope-writer");
        // Offsets are committed by the writer, after ClickHouse has the rows (and before, with the plan).
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        // One OTLP request per record, up to the collector's max-record-bytes (1 MB) and the topics' 16 MiB.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.putAll(settings.consumer());
        return p;
    }

    static Map<String, Object> producerProperties(Map<String, Object> client) {
        Map<String, Object> p = new java.util.HashMap<>(client);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fnscope-writer-dead-letters");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A dead letter is the original record plus a few headers.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 17 * 1024 * 1024);
        return p;
    }

    private static ExecutorService insertPool(int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fnscope-writer-insert-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
