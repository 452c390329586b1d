package io.fnscope.writer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Kafka's id of each topic (a UUID given when the topic is created), part of every deduplication token. Offsets
 * start again at 0 when a topic is deleted and created again (or the all-in-one's Kafka directory is wiped while
 * ClickHouse's is kept); without the id, the first inserts of the new topic would carry the tokens of old inserts
 * still in ClickHouse's deduplication window and be dropped as repeats.
 *
 * <p>Looked up once per topic and again after each partition assignment ({@link #forget()}).
 */
final class TopicIds implements AutoCloseable {
    private final Supplier<Admin> adminFactory;
    private final Map<String, String> ids = new ConcurrentHashMap<>();
    private Admin admin;

    TopicIds(Supplier<Admin> adminFactory) {
        this.adminFactory = adminFactory;
    }

    /**
     * @throws KafkaException when Kafka cannot say (the writer keeps the batch and retries)
     */
    String idOf(String topic) {
        String id = ids.get(topic);
        if (id != null) {
            return id;
        }
        try {
            if (admin == null) {
                admin = adminFactory.get();
            }
            TopicDescription d = admin.describeTopics(java.util.List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic);
            id = d.topicId().toString();
            ids.put(topic, id);
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while looking up the id of topic " + topic, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KafkaException("cannot look up the id of topic " + topic + ": " + e, e);
        }
    }

    void forget() {
        ids.clear();
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
