package io.fnscope.collector;

import io.fnscope.pipeline.kafka.EmbeddedKafkaBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One in-process Kafka broker shared by the integration tests of this JVM (starting one takes seconds). Each test
 * class isolates its data with its own topic prefix. Tests that stop the broker start their own.
 */
final class TestKafka {
    private static EmbeddedKafkaBroker shared;

    private TestKafka() {
    }

    static synchronized EmbeddedKafkaBroker shared() {
        if (shared == null) {
            Path dir = tempDir("fnscope-collector-kafka");
            shared = start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.close();
                deleteRecursively(dir);
            }));
        }
        return shared;
    }

    static EmbeddedKafkaBroker start(Path dir) {
        return new EmbeddedKafkaBroker(dir, "127.0.0.1", 0, 0, Map.of()).start();
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Broker logs are hundreds of MB after the big-body tests; never leave them in /tmp. */
    static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
