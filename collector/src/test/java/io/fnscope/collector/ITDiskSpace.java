package io.fnscope.collector;

import com.google.rpc.Status;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.Topics;
import io.fnscope.pipeline.kafka.KafkaCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The all-in-one's embedded broker on a disk that fills up. Kafka halts the whole process when an append finds the
 * disk full (tried: the all-in-one on a full tmpfs died so), so the collector refuses with 503 while less than
 * {@code fnscope.kafka.embedded.min-free-disk} is free, and accepts again once space is freed. On the real file
 * system of the test's directory: the reserve is set a little under its free space, and a file fills the gap.
 */
class ITDiskSpace {
    private static final long MIB = 1024 * 1024;

    @Test
    void theCollectorRefusesWhileTheEmbeddedBrokersDiskIsNearlyFullAndAcceptsOnceSpaceIsFreed(@TempDir Path dir)
            throws Exception {
        long reserve = Files.getFileStore(dir).getUsableSpace() - 256 * MIB;
        try (CollectorHarness collector = new CollectorHarness("unused: the embedded broker's", Map.of(
                "fnscope.kafka.embedded.enabled", true,
                "fnscope.kafka.embedded.data-dir", dir.resolve("kafka").toString(),
                "fnscope.kafka.embedded.port", 0,
                "fnscope.kafka.embedded.controller-port", 0,
                "fnscope.kafka.embedded.min-free-disk", reserve))) {
            assertThat(send(collector, "before").statusCode()).isEqualTo(200);

            Path filler = fill(dir.resolve("filler"), 512 * MIB);
            HttpResponse<byte[]> refused = awaitStatus(collector, 503, "while full");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(Status.parseFrom(refused.body()).getMessage())
                    .startsWith("Kafka is unavailable (the disk of the embedded Kafka log is nearly full: ")
                    .contains(" free under " + dir.resolve("kafka") + ", less than the ")
                    .endsWith(" kept free (fnscope.kafka.embedded.min-free-disk)); nothing was accepted, retry after 2 s");

            // /health says why, and stays UP: taken out of service, the process could not answer the 503.
            HttpResponse<String> health = collector.http.send(HttpRequest.newBuilder(collector.uri("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"diskShortage\":\"the disk of the embedded Kafka log is nearly full: ");

            // The figures an alert reads before it comes to this.
            assertThat(collector.metric("fnscope_kafka_embedded_disk_reserve_bytes")).isEqualTo((double) reserve);
            assertThat(collector.metric("fnscope_kafka_embedded_disk_free_bytes")).isBetween(0.0, (double) reserve);

            Files.delete(filler);
            awaitStatus(collector, 200, "after");

            // What was accepted before and after is in Kafka, once each; nothing of the refused requests.
            String bootstrap = collector.context.getBean(KafkaCluster.class).bootstrapServers();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "disk-test",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                String topic = new Topics(collector.prefix).of(Signal.TRACES);
                consumer.assign(consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList());
                List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 2);
                assertThat(records).hasSize(2);
            }
            assertThat(collector.metric("fnscope_collector_requests_total", "transport", "http", "outcome", "unavailable"))
                    .isGreaterThanOrEqualTo(1);
        }
    }

    private static HttpResponse<byte[]> send(CollectorHarness collector, String name) {
        return collector.post("/v1/traces", "application/x-protobuf", TestObjects.ACME_KEY,
                TestObjects.traces(TestObjects.span(name).build()).toByteArray());
    }

    /** Sends until the answer has {@code status} (the free space is looked up every 250 ms). */
    private static HttpResponse<byte[]> awaitStatus(CollectorHarness collector, int status, String name)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<byte[]> r = send(collector, name);
        while (r.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = send(collector, name);
        }
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(status);
        return r;
    }

    /** Written, not sparse: a sparse file would take no space. */
    private static Path fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[8 * (int) MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                out.write(chunk);
            }
        }
        return file;
    }
}
