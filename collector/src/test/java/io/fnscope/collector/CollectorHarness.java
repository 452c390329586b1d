package io.fnscope.collector;

import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.fnscope.pipeline.Topics;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A running collector (Micronaut context with the OTLP listener and the gRPC server) on free ports, writing to a
 * real Kafka broker under its own topic prefix, plus helpers to read back what reached Kafka and what
 * {@code /metrics} says.
 */
final class CollectorHarness implements AutoCloseable {
    final String bootstrap;
    final String prefix;
    final int httpPort;
    final int grpcPort;
    final EmbeddedServer server;
    final ApplicationContext context;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();

    CollectorHarness(String bootstrap, Map<String, Object> extra) {
        this.bootstrap = bootstrap;
        this.prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        this.httpPort = freePort();
        this.grpcPort = freePort();
        Map<String, Object> p = new HashMap<>(TestObjects.keys());
        p.put("fnscope.listen-host", "127.0.0.1");
        p.put("micronaut.server.port", httpPort);
        p.put("fnscope.collector.http-port", httpPort);
        p.put("fnscope.collector.grpc-port", grpcPort);
        p.put("fnscope.query.enabled", false);
        p.put("fnscope.writer.enabled", false);
        p.put("fnscope.query.http-port", freePort());
        p.put("fnscope.kafka.embedded.enabled", false);
        p.put("fnscope.kafka.bootstrap-servers", bootstrap);
        p.put("fnscope.kafka.topic-prefix", prefix);
        p.put("fnscope.kafka.partitions", 2);
        p.putAll(extra);
        this.server = ApplicationContext.run(EmbeddedServer.class, p);
        this.context = server.getApplicationContext();
    }

    Topics topics() {
        return new Topics(prefix);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    HttpResponse<byte[]> post(String path, String contentType, String key, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A consumer of one signal's topic that sees only records written from now on. */
    KafkaConsumer<byte[], byte[]> consumer(Signal signal) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = c.partitionsFor(topics().of(signal), Duration.ofSeconds(10)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        c.assign(partitions);
        c.seekToEnd(partitions);
        partitions.forEach(c::position); // resolves the end offsets now, before the test sends anything
        consumers.add(c);
        return c;
    }

    /** Polls until {@code done} holds for what was read (or the timeout passes); returns everything read. */
    static List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> consumer,
                                                     Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(out) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                out.add(r);
            }
        }
        return out;
    }

    /** Reads until {@code count} records arrived, then a little longer to catch any extra. */
    static List<ConsumerRecord<byte[], byte[]>> readExactly(KafkaConsumer<byte[], byte[]> consumer, int count) {
        List<ConsumerRecord<byte[], byte[]>> out = read(consumer, l -> l.size() >= count, Duration.ofSeconds(30));
        out.addAll(read(consumer, l -> false, Duration.ofMillis(300)));
        return out;
    }

    static int items(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().mapToInt(r -> TelemetryHeaders.fromKafka(r.headers()).items()).sum();
    }

    /** The value of one Prometheus series from /metrics, or 0 when absent. */
    double metric(String name, String... labels) {
        HttpResponse<byte[]> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri("/metrics")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        double sum = 0;
        for (String line : new String(r.body()).split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String series = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
            if (!series.equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                sum += Double.parseDouble(line.substring(space + 1));
            }
        }
        return sum;
    }

    /** Stops the collector (graceful shutdown); consumers stay open. */
    void stopCollector() {
        if (server.isRunning()) {
            server.close();
        }
    }

    @Override
    public void close() {
        stopCollector();
        consumers.forEach(KafkaConsumer::close);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
