package io.fnscope.writer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WriterConsumerPropertiesTest {
    private static WriterSettings settings(Map<String, String> consumer) {
        return new WriterSettings(true, "fnscope-writer", Duration.ofMillis(500), 200_000, 64L << 20, 1000,
                Duration.ofMillis(100), 2, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(15), consumer);
    }

    @Test
    void theAllInOnesWriterIsAStaticMemberSoThatARestartAfterACrashTakesItsPartitionsBackAtOnce() {
        Map<String, Object> p = WriterFactory.consumerProperties(Map.of("bootstrap.servers", "127.0.0.1:9092"),
                settings(null), true);
        assertThat(p).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, WriterFactory.ALL_IN_ONE_MEMBER)
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "fnscope-writer")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    @Test
    void writersOfAnExternalClusterAreDynamicMembersUnlessConfiguredOtherwise() {
        assertThat(WriterFactory.consumerProperties(Map.of(), settings(null), false))
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        // fnscope.writer.consumer.* has the last word, in both cases (a pod name as a static id, for instance).
        assertThat(WriterFactory.consumerProperties(Map.of(), settings(Map.of("group.instance.id", "writer-0")), false))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "writer-0");
        assertThat(WriterFactory.consumerProperties(Map.of(), settings(Map.of("group.instance.id", "mine")), true))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "mine");
    }
}
