package io.fnscope.server;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.pipeline.kafka.KafkaCluster;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanPreDestroyEvent;
import io.micronaut.context.event.BeanPreDestroyEventListener;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records, as the all-in-one shuts down, what was still running when ClickHouse and Kafka were about to close: the
 * writer must have stopped before ClickHouse closes (its last flush needs it), and ClickHouse before the embedded
 * Kafka broker.
 */
final class ShutdownOrder {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    private ShutdownOrder() {
    }

    static boolean writerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("fnscope-writer") && t.isAlive());
    }

    @Singleton
    @Requires(property = "spec.name", value = "ITAllInOne")
    static final class BeforeClickHouse implements BeanPreDestroyEventListener<ClickHouse> {
        @Override
        public ClickHouse onPreDestroy(BeanPreDestroyEvent<ClickHouse> event) {
            EVENTS.add("clickhouse closing (writer running: " + writerThreadAlive() + ")");
            return event.getBean();
        }
    }

    @Singleton
    @Requires(property = "spec.name", value = "ITAllInOne")
    static final class BeforeKafka implements BeanPreDestroyEventListener<KafkaCluster> {
        @Override
        public KafkaCluster onPreDestroy(BeanPreDestroyEvent<KafkaCluster> event) {
            EVENTS.add("kafka closing (writer running: " + writerThreadAlive() + ")");
            return event.getBean();
        }
    }
}
