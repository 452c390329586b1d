package io.fnscope.writer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Sends records the writer cannot store to the dead-letter topic, as they were (value and every original header),
 * with these headers added:
 *
 * <pre>
 * fnscope-dlq-reason      bad_payload, bad_headers, wrong_topic, bad_content_type, insert_rejected
 * fnscope-dlq-error       what was wrong, e.g. "Kafka record has no 'fnscope-tenant' header" (at most 1,000 chars)
 * fnscope-dlq-topic       the record's topic
 * fnscope-dlq-partition   its partition
 * fnscope-dlq-offset      its offset
 * </pre>
 *
 * Sending is asynchronous; {@link #awaitAll()} waits for every letter before the writer commits the offsets of the
 * batch they came from, so a dead letter is never lost (a crash in between sends it again: dead letters are
 * at-least-once, recognisable by topic, partition and offset).
 */
final class DeadLetters {
    /** Every header the writer adds starts with it; a replay removes them ({@link DeadLetterTool}). */
    static final String PREFIX = "fnscope-dlq-";
    static final String REASON = "fnscope-dlq-reason";
    static final String ERROR = "fnscope-dlq-error";
    static final String TOPIC = "fnscope-dlq-topic";
    static final String PARTITION = "fnscope-dlq-partition";
    static final String OFFSET = "fnscope-dlq-offset";
    private static final int MAX_ERROR = 1000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final List<Letter> pending = new ArrayList<>();

    private record Letter(ProducerRecord<byte[], byte[]> record, Future<?> sent) {
    }

    DeadLetters(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    void send(ConsumerRecord<byte[], byte[]> original, DeadLetterReason reason, String error) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original.headers()) {
            headers.add(h.key(), h.value());
        }
        String e = error == null ? "" : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        headers.add(REASON, utf8(reason.tag()));
        headers.add(ERROR, utf8(e));
        headers.add(TOPIC, utf8(original.topic()));
        headers.add(PARTITION, utf8(Integer.toString(original.partition())));
        headers.add(OFFSET, utf8(Long.toString(original.offset())));
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, original.key(), original.value(), headers);
        pending.add(new Letter(r, send(r)));
    }

    /**
     * Waits until every letter sent so far is acknowledged; a letter that failed is sent once more.
     *
     * @throws KafkaException when a letter still fails: the writer keeps its batch and retries later
     */
    void awaitAll() {
        if (pending.isEmpty()) {
            return;
        }
        producer.flush();
        List<Letter> failed = pending.stream().filter(DeadLetters::failed).toList();
        pending.clear();
        if (failed.isEmpty()) {
            return;
        }
        for (Letter l : failed) {
            pending.add(new Letter(l.record, send(l.record)));
        }
        producer.flush();
        pending.removeIf(l -> !failed(l));
        if (!pending.isEmpty()) {
            throw new KafkaException("cannot send " + pending.size() + " dead letter(s) to " + topic
                    + "; the batch waits for Kafka");
        }
    }

    private Future<?> send(ProducerRecord<byte[], byte[]> r) {
        try {
            return producer.send(r);
        } catch (KafkaException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static boolean failed(Letter l) {
        try {
            l.sent.get();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (Exception e) {
            return true;
        }
    }

    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
