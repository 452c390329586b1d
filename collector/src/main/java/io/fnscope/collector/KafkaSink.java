package io.fnscope.collector;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.fnscope.collector.RecordAssembler.Part;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.fnscope.pipeline.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands record values to Kafka and reports, through a future completed on the producer's I/O thread, when every
 * one of them is acknowledged ({@code acks=all}) or the first one failed. {@link Producer#send} only serializes and
 * appends to a batch; it never waits here, because the in-flight budget keeps the producer's buffer from filling and
 * {@code max.block.ms} bounds the metadata wait.
 *
 * <p>Records have no key: the sticky partitioner fills one batch per partition at a time and spreads load evenly,
 * and the writer needs no ordering (see docs/kafka.md).
 */
final class KafkaSink implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final KafkaGate gate;
    private final CollectorMetrics metrics;

    KafkaSink(Producer<byte[], byte[]> producer, Topics topics, KafkaGate gate, CollectorMetrics metrics) {
        this.producer = producer;
        this.topics = topics;
        this.gate = gate;
        this.metrics = metrics;
    }

    /**
     * Sends every part as one record; the future completes when all are acknowledged, or exceptionally with the
     * first failure (parts already acknowledged stay in Kafka, and the exporter's retry sends them again with the
     * same batch ids, so the writer can drop the repeats).
     */
    CompletableFuture<Void> send(String tenant, Signal signal, String contentType, List<Part> parts, long receivedAtMillis) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(parts.size());
        String topic = topics.of(signal);
        for (Part part : parts) {
            TelemetryHeaders headers = new TelemetryHeaders(tenant, signal, contentType,
                    batchId(tenant, signal, part.value()), receivedAtMillis, part.items());
            long started = System.nanoTime();
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, (byte[]) null, part.value(), headers.toKafka());
            try {
                producer.send(record, (meta, error) -> {
                    if (error != null) {
                        metrics.kafkaSendFailed(signal, error);
                        gate.onFailure(error);
                        done.completeExceptionally(error);
                        return;
                    }
                    metrics.kafkaSent(signal, part.value().length, System.nanoTime() - started);
                    if (pending.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                // send() throws for an unknown topic within max.block.ms, a closed producer, an oversize record.
                metrics.kafkaSendFailed(signal, e);
                gate.onFailure(e);
                done.completeExceptionally(e);
                break;
            }
        }
        return done;
    }

    /**
     * The batch id: a name-based UUID from a 128-bit hash of tenant, signal and value. The same data re-sent by a
     * retrying exporter gets the same id, so the writer recognises repeats as well as Kafka redeliveries.
     */
    static UUID batchId(String tenant, Signal signal, byte[] value) {
        Hasher h = Hashing.murmur3_128().newHasher();
        h.putString(tenant, StandardCharsets.UTF_8).putByte((byte) 0).putString(signal.id(), StandardCharsets.UTF_8)
                .putByte((byte) 0).putBytes(value);
        ByteBuffer b = ByteBuffer.wrap(h.hash().asBytes());
        long msb = (b.getLong() & ~0xF000L) | 0x8000L; // version 8: custom
        long lsb = (b.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb);
    }

    /** Sends what is buffered now; returns when every record so far is acknowledged or failed. */
    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
