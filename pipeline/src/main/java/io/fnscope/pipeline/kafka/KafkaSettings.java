package io.fnscope.pipeline.kafka;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.format.ReadableBytes;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import java.util.Map;

/**
 * How fnscope reaches Kafka: an external cluster ({@code bootstrap-servers}) or the broker embedded in this JVM.
 * Every key is documented in docs/configuration.md.
 *
 * @param bootstrapServers external brokers; ignored while the embedded broker is enabled
 * @param topicPrefix      prefix of every fnscope topic ({@code <prefix>traces}, ...)
 * @param partitions       partitions of each topic when fnscope creates it; bounds how many writers share the load
 * @param replicationFactor replicas of each topic when fnscope creates it
 * @param retentionHours   how long Kafka keeps records (they are in ClickHouse long before)
 * @param deadLetterRetentionHours how long the dead-letter topic keeps what the writer could not store: long enough
 *                         for someone to look, fix the cause and replay them ({@code fnscope dead-letters})
 * @param createTopics     create missing topics at start-up (turn off where topics are managed elsewhere)
 * @param client           raw Kafka client properties applied to every client (security, SASL...)
 * @param embedded         the in-process broker of the all-in-one
 */
@ConfigurationProperties("fnscope.kafka")
public record KafkaSettings(
        @Bindable(defaultValue = "localhost:9092") @NotBlank String bootstrapServers,
        @Bindable(defaultValue = "fnscope.") String topicPrefix,
        @Bindable(defaultValue = "4") @Min(1) int partitions,
        @Bindable(defaultValue = "1") @Min(1) short replicationFactor,
        @Bindable(defaultValue = "24") @Min(1) int retentionHours,
        @Bindable(defaultValue = "168") @Min(1) int deadLetterRetentionHours,
        @Bindable(defaultValue = "true") boolean createTopics,
        @Nullable Map<String, String> client,
        Embedded embedded) {

    public Map<String, String> clientOrEmpty() {
        return client == null ? Map.of() : client;
    }

    /**
     * @param enabled        run a broker inside this JVM (all-in-one); {@code bootstrap-servers} is then ignored
     * @param dataDir        where it keeps its log; empty means {@code <fnscope.data-dir>/kafka}
     * @param host           address it binds and advertises
     * @param port           client port (0 = any free port)
     * @param controllerPort KRaft controller port (0 = any free port)
     * @param broker         extra broker properties
     * @param minFreeDisk    space kept free on the disk of its log: the collector answers 503 while there is less
     *                       (Kafka halts the process when an append finds the disk full); 0 turns the check off
     */
    @ConfigurationProperties("embedded")
    public record Embedded(
            @Bindable(defaultValue = "false") boolean enabled,
            @Nullable String dataDir,
            @Bindable(defaultValue = "127.0.0.1") String host,
            @Bindable(defaultValue = "9092") int port,
            @Bindable(defaultValue = "9093") int controllerPort,
            @Nullable Map<String, String> broker,
            @Bindable(defaultValue = "1GB") @ReadableBytes @Min(0) long minFreeDisk) {
    }
}
