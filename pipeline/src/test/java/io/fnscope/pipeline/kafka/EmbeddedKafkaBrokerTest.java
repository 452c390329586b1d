package io.fnscope.pipeline.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaBrokerTest {

    @Test
    void keepsRecordsAcrossRestarts(@TempDir Path dir) throws Exception {
        try (var broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", 0, 0, Map.of()).start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
            }
            try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers(),
                    "acks", "all", "enable.idempotence", "true"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("t", "k", "v1")).get();
            }
        }
        // Same directory, new ports: the log and cluster id are reused.
        try (var broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", 0, 0, Map.of()).start();
             var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers(),
                     "group.id", "g", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("t"));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            assertThat(values).containsExactly("v1");
        }
    }

    @Test
    void aTakenPortIsReportedBeforeKafkaHaltsTheJvm(@TempDir Path dir) throws Exception {
        // Kafka's own report of a port it cannot bind is a fatal fault that exits the process.
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> new EmbeddedKafkaBroker(dir, "127.0.0.1", 0, port, Map.of()).start())
                    .isInstanceOf(EmbeddedKafkaBroker.PortInUseException.class)
                    .hasMessageContaining("127.0.0.1:" + port + " (its controller port)")
                    .hasMessageContaining("Another fnscope all-in-one or a Kafka broker");
            var settings = new KafkaSettings("unused:9092", "fnscope.", 1, (short) 1, 24, 168, true, Map.of(),
                    new KafkaSettings.Embedded(true, dir.toString(), "127.0.0.1", port, 0, Map.of(), 0));
            assertThatThrownBy(() -> new KafkaCluster(settings, dir.toString()))
                    .hasMessageContaining("(its client port)")
                    .hasMessageEndingWith("set fnscope.kafka.embedded.port (FNSCOPE_KAFKA_EMBEDDED_PORT) to a free port, 0 for any");
        }
        // The port free again, the same directory starts.
        try (var broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", 0, 0, Map.of()).start()) {
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
        }
    }
}
