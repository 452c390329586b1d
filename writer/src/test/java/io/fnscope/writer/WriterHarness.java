package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.Migrations;
import io.fnscope.clickhouse.RetentionSettings;
import io.fnscope.clickhouse.SharedClickHouse;
import io.fnscope.clickhouse.TelemetrySchema;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.cost.PricingCatalog;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.Topics;
import io.fnscope.pipeline.kafka.KafkaCluster;
import io.fnscope.pipeline.kafka.KafkaSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A real Kafka broker (shared) with this test's own topics, a ClickHouse database with the telemetry schema, and
 * writers built the way {@link WriterFactory} builds them, on a clock the test moves.
 */
final class WriterHarness implements AutoCloseable {
    static final int PARTITIONS = 2;

    final String prefix = "w" + UUID.randomUUID().toString().substring(0, 8) + ".";
    final Topics topics = new Topics(prefix);
    final KafkaCluster cluster;
    final ClickHouse clickHouse;
    final String db;
    final InvocationPricer pricer = new InvocationPricer(PricingCatalog.load(null));
    final TestClock clock = new TestClock();
    final String group = "writer-" + UUID.randomUUID();
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Writer> writers = new ArrayList<>();

    WriterHarness() {
        this(null);
    }

    /** @param clickHouse a handle on the test database to use instead of a fresh one (a failure-injecting wrapper) */
    WriterHarness(java.util.function.UnaryOperator<ClickHouse> wrap) {
        String bootstrap = TestKafka.shared().bootstrapServers();
        cluster = new KafkaCluster(new KafkaSettings(bootstrap, prefix, PARTITIONS, (short) 1, 24, 168, true, Map.of(),
                new KafkaSettings.Embedded(false, null, "127.0.0.1", 0, 0, Map.of(), 0)), "unused");
        try (Admin admin = cluster.newAdmin()) {
            if (!cluster.ensureTopics(admin, Duration.ofSeconds(20))) {
                throw new IllegalStateException("topics not created");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        ClickHouse ch = SharedClickHouse.newDatabase("writer");
        new Migrations(ch, List.of(TelemetrySchema.migrations(RetentionSettings.defaults(), 1000))).apply();
        clickHouse = wrap == null ? ch : wrap.apply(ch);
        db = ch.database();
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Settings for tests: a group of its own, flushes by the test clock only (big size limits). */
    WriterSettings settings() {
        return WriterSettings.defaults().withGroupId(group).withFlush(Duration.ofMillis(500), 1_000_000, 512L * 1024 * 1024)
                .withRetry(Duration.ofMillis(100), Duration.ofMillis(400));
    }

    Writer writer(WriterSettings settings, SimpleMeterRegistry registry) {
        Writer w = WriterFactory.build(cluster, clickHouse, pricer, settings, new WriterMetrics(registry), clock);
        w.subscribe();
        writers.add(w);
        return w;
    }

    String topic(Signal s) {
        return topics.of(s);
    }

    /** Sends and waits for the acknowledgement; returns where the record landed. */
    RecordMetadata send(ProducerRecord<byte[], byte[]> r) {
        try {
            return producer.send(r).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Same, to a given partition. */
    RecordMetadata send(ProducerRecord<byte[], byte[]> r, int partition) {
        return send(new ProducerRecord<>(r.topic(), partition, r.key(), r.value(), r.headers()));
    }

    /** Steps the writer (moving the clock past the flush interval between steps) until {@code done}. */
    static void stepUntil(Writer w, TestClock clock, BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + timeout);
            }
            w.pollOnce();
            clock.advance(Duration.ofMillis(600));
        }
    }

    /** The group's committed offsets of every partition of a topic (null when none). */
    Map<TopicPartition, OffsetAndMetadata> committed(String topic) {
        try (Admin admin = cluster.newAdmin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Committed end offset of a topic-partition, -1 when nothing committed. */
    long committedOffset(String topic, int partition) {
        OffsetAndMetadata o = committed(topic).get(new TopicPartition(topic, partition));
        return o == null ? -1 : o.offset();
    }

    /** Every record of the dead-letter topic so far. */
    List<ConsumerRecord<byte[], byte[]>> deadLetters(int atLeast) {
        Map<String, Object> p = cluster.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topics.deadLetter()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            c.poll(Duration.ofMillis(300)).forEach(out::add);
        }
        return out;
    }

    long count(String sql) {
        return clickHouse.query(sql.replace("{db}", db), r -> r.getLong(r.columns().getFirst())).getFirst();
    }

    String text(String sql) {
        return clickHouse.query(sql.replace("{db}", db), r -> r.getString(r.columns().getFirst())).getFirst();
    }

    @Override
    public void close() {
        for (Writer w : writers) {
            w.close();
        }
        producer.close();
        cluster.close();
        clickHouse.close();
    }

    /** A clock that moves only when told. */
    static final class TestClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.now().toEpochMilli());

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
