package io.fnscope.writer;

import io.fnscope.pipeline.TelemetryHeaders;
import io.fnscope.pipeline.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * {@code fnscope dead-letters}: what the writer could not store, and sending it back once the cause is fixed.
 *
 * <pre>
 *   fnscope dead-letters [--reason R] [--tenant T]            list the letters (oldest first)
 *   fnscope dead-letters [--reason R] [--tenant T] --replay   send each back to its topic, as it was
 * </pre>
 *
 * A replayed record is the original (value and headers, without the {@code fnscope-dlq-*} ones) on its original
 * topic, so the writer takes it like a new record: stored if it can be now, dead-lettered again if not. Replaying
 * twice stores nothing twice: the writer skips a record whose batch id it has stored (for 2 days, {@code
 * written_batches}). The letters stay in the dead-letter topic until its retention
 * ({@code fnscope.kafka.dead-letter-retention-hours}).
 */
public final class DeadLetterTool {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientProperties;
    private final Topics topics;
    private final PrintStream out;
    /** How long Kafka may take to answer: the clients' {@code default.api.timeout.ms} when given. */
    private final Duration timeout;

    /**
     * @param clientProperties Kafka client properties: {@code bootstrap.servers} and whatever the cluster needs
     *                         (security); the same as every fnscope client's
     */
    public DeadLetterTool(Map<String, Object> clientProperties, Topics topics, PrintStream out) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.topics = topics;
        this.out = out;
        Object apiTimeout = clientProperties.get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        this.timeout = apiTimeout == null ? DEFAULT_TIMEOUT : Duration.ofMillis(Long.parseLong(apiTimeout.toString()));
    }

    /** One letter: the original record's place and identity, and why the writer set it aside. */
    public record Letter(long dlqOffset, int dlqPartition, String reason, String error, String topic, String partition,
                         String offset, String tenant, String signal, Instant received,
                         ConsumerRecord<byte[], byte[]> record) {
        String line() {
            return String.format("%s  %-12s %-16s %-16s %s-%s@%s  %s", received == null ? "-" : received,
                    tenant == null ? "-" : tenant, signal == null ? "-" : signal, reason, topic, partition, offset,
                    error);
        }
    }

    /** What to act on: letters of this reason and tenant (null: any). */
    public record Filter(String reason, String tenant) {
        boolean matches(Letter l) {
            return (reason == null || reason.equals(l.reason())) && (tenant == null || tenant.equals(l.tenant()));
        }
    }

    /** Runs the command line's arguments (after {@code dead-letters}); returns the process's exit code. */
    public int run(String[] args, PrintStream err) {
        String reason = null;
        String tenant = null;
        boolean replay = false;
        for (int i = 0; i < args.length; i++) {
            boolean valued = args[i].equals("--reason") || args[i].equals("--tenant");
            if (valued && i + 1 == args.length) {
                err.println("dead-letters: " + args[i] + " needs a value");
                return usage(err);
            }
            switch (args[i]) {
                case "--reason" -> reason = args[++i];
                case "--tenant" -> tenant = args[++i];
                case "--replay" -> replay = true;
                default -> {
                    err.println("dead-letters: unknown argument " + args[i]);
                    return usage(err);
                }
            }
        }
        if (reason != null && DeadLetterReason.fromTag(reason) == null) {
            err.println("dead-letters: --reason must be one of " + DeadLetterReason.tags() + ", got '" + reason + "'");
            return 2;
        }
        try {
            Filter filter = new Filter(reason, tenant);
            List<Letter> letters = read(filter);
            letters.forEach(l -> out.println(l.line()));
            if (!replay) {
                out.printf("%d dead letter(s) in %s%s; --replay sends them back to their topics%n", letters.size(),
                        topics.deadLetter(), reason == null && tenant == null ? "" : " matching the filter");
                return 0;
            }
            int sent = replay(letters);
            out.printf("replayed %d dead letter(s) to their topics; the writer stores them like new records%n", sent);
            return 0;
        } catch (KafkaException e) {
            err.println("dead-letters: cannot use Kafka at " + clientProperties.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + " (" + e.getMessage() + "); is it running there? The all-in-one's broker runs while fnscope does");
            return 1;
        } catch (IllegalStateException e) {
            err.println("dead-letters: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream err) {
        err.println("usage: fnscope dead-letters [--reason " + String.join("|", DeadLetterReason.tags())
                + "] [--tenant T] [--replay]");
        return 2;
    }

    /** Every letter in the dead-letter topic now that passes the filter, oldest first per partition. */
    public List<Letter> read(Filter filter) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<Letter> letters = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topics.deadLetter(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topics.deadLetter() + " does not exist at "
                        + clientProperties.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            // However many letters there are, reading stops only when no record comes for a whole timeout.
            long lastProgress = System.nanoTime();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() - lastProgress > timeout.toNanos()) {
                    throw new IllegalStateException("reading " + topics.deadLetter() + " stalled for "
                            + timeout.toSeconds() + " s before its end");
                }
                var polled = consumer.poll(Duration.ofMillis(200));
                if (!polled.isEmpty()) {
                    lastProgress = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        Letter l = letter(r);
                        if (filter.matches(l)) {
                            letters.add(l);
                        }
                    }
                }
            }
        }
        return letters;
    }

    /** Sends each letter's original record back to its topic; returns how many were acknowledged. */
    public int replay(List<Letter> letters) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        List<String> signalTopics = topics.all().stream().filter(t -> !t.equals(topics.deadLetter())).toList();
        List<Future<?>> sent = new ArrayList<>();
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Letter l : letters) {
                if (!signalTopics.contains(l.topic())) {
                    out.printf("skipped dead letter %d@%d: its topic '%s' is not one of fnscope's%n", l.dlqPartition(),
                            l.dlqOffset(), l.topic());
                    continue;
                }
                RecordHeaders headers = new RecordHeaders();
                for (Header h : l.record().headers()) {
                    if (!h.key().startsWith(DeadLetters.PREFIX)) {
                        headers.add(h.key(), h.value());
                    }
                }
                sent.add(producer.send(new ProducerRecord<>(l.topic(), null, l.record().key(), l.record().value(),
                        headers)));
            }
            producer.flush();
        }
        int acknowledged = 0;
        for (Future<?> f : sent) {
            try {
                f.get();
                acknowledged++;
            } catch (ExecutionException e) {
                throw new IllegalStateException("Kafka did not take a replayed record: " + e.getCause().getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while replaying", e);
            }
        }
        return acknowledged;
    }

    private static Letter letter(ConsumerRecord<byte[], byte[]> r) {
        String received = header(r, TelemetryHeaders.RECEIVED_AT);
        Instant at = null;
        if (received != null) {
            try {
                at = Instant.ofEpochMilli(Long.parseLong(received));
            } catch (NumberFormatException e) {
                at = null; // a letter can be there because its headers are malformed
            }
        }
        return new Letter(r.offset(), r.partition(), header(r, DeadLetters.REASON), header(r, DeadLetters.ERROR),
                header(r, DeadLetters.TOPIC), header(r, DeadLetters.PARTITION), header(r, DeadLetters.OFFSET),
                header(r, TelemetryHeaders.TENANT), header(r, TelemetryHeaders.SIGNAL), at, r);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
