package io.fnscope.writer;

import io.fnscope.pipeline.kafka.EmbeddedKafkaBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One in-process Kafka broker for the writer's tests in this JVM (starting one takes seconds). Tests isolate their
 * data with a topic prefix, a consumer group and a ClickHouse database of their own.
 */
final class TestKafka {
    private static EmbeddedKafkaBroker shared;

    private TestKafka() {
    }

    static synchronized EmbeddedKafkaBroker shared() {
        if (shared == null) {
            Path dir;
            try {
                dir = Files.createTempDirectory("fnscope-writer-kafka");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shared = new EmbeddedKafkaBroker(dir, "127.0.0.1", 0, 0, Map.of()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.close();
                io.fnscope.clickhouse.SharedClickHouse.deleteTree(dir);
            }));
        }
        return shared;
    }
}
