package io.fnscope.pipeline.kafka;

import io.fnscope.pipeline.Topics;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka this process talks to: the external cluster of {@code fnscope.kafka.bootstrap-servers}, or a broker
 * started in this JVM when {@code fnscope.kafka.embedded.enabled} is true. Producers and consumers get their
 * bootstrap address and common properties here, so both run modes use the same client code.
 *
 * <p>Owning the embedded broker here also orders shutdown: beans that use Kafka depend on this one, so they are
 * closed (and flushed) before the broker stops.
 */
@Singleton
public class KafkaCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);

    private final KafkaSettings settings;
    private final Topics topics;
    private final EmbeddedKafkaBroker embedded;
    private final LogDirSpace embeddedDisk;
    private final String bootstrapServers;

    public KafkaCluster(KafkaSettings settings, @Value("${fnscope.data-dir:data}") String dataDir) {
        this.settings = settings;
        this.topics = new Topics(settings.topicPrefix());
        KafkaSettings.Embedded e = settings.embedded();
        if (e != null && e.enabled()) {
            Path dir = e.dataDir() == null || e.dataDir().isBlank() ? Path.of(dataDir, "kafka") : Path.of(e.dataDir());
            this.embedded = start(new EmbeddedKafkaBroker(dir, e.host(), e.port(), e.controllerPort(),
                    e.broker() == null ? Map.of() : e.broker()));
            this.embeddedDisk = LogDirSpace.of(dir, e.minFreeDisk());
            this.bootstrapServers = embedded.bootstrapServers();
        } else {
            this.embedded = null;
            this.embeddedDisk = null;
            this.bootstrapServers = settings.bootstrapServers();
        }
    }

    /** Starts the broker; a port in use is reported with the key that moves it. */
    private static EmbeddedKafkaBroker start(EmbeddedKafkaBroker broker) {
        try {
            return broker.start();
        } catch (EmbeddedKafkaBroker.PortInUseException p) {
            String key = "client".equals(p.listener())
                    ? "fnscope.kafka.embedded.port (FNSCOPE_KAFKA_EMBEDDED_PORT)"
                    : "fnscope.kafka.embedded.controller-port (FNSCOPE_KAFKA_EMBEDDED_CONTROLLER_PORT)";
            throw new IllegalStateException(p.getMessage() + ": stop it, or set " + key + " to a free port, 0 for any", p);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * Why no record should be sent now because the embedded broker's disk is nearly full (see {@link LogDirSpace}),
     * or null: always null for an external cluster, whose disks its operators watch.
     */
    public String diskShortage() {
        return embeddedDisk == null ? null : embeddedDisk.shortage();
    }

    /** The embedded broker's disk, for metrics; empty for an external cluster. */
    public Optional<LogDirSpace> embeddedDisk() {
        return Optional.ofNullable(embeddedDisk);
    }

    public Topics topics() {
        return topics;
    }

    public KafkaSettings settings() {
        return settings;
    }

    /** Properties every client starts from: the bootstrap address and the user's raw client properties. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>(settings.clientOrEmpty());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    public Admin newAdmin() {
        Map<String, Object> p = clientProperties();
        p.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(p);
    }

    /**
     * Creates the topics that are missing, with the configured partitions, replicas and retention.
     *
     * @return true when every topic exists afterwards
     */
    public boolean ensureTopics(Admin admin, Duration timeout) throws InterruptedException {
        if (!settings.createTopics()) {
            return true;
        }
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.all().stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, settings.partitions(), settings.replicationFactor())
                            .configs(Map.of(
                                    "retention.ms", Long.toString(Duration.ofHours(t.equals(topics.deadLetter())
                                            ? settings.deadLetterRetentionHours() : settings.retentionHours()).toMillis()),
                                    "max.message.bytes", Integer.toString(16 * 1024 * 1024))))
                    .toList();
            if (missing.isEmpty()) {
                return true;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("Created Kafka topic {} ({} partitions, replication factor {})",
                            entry.getKey(), settings.partitions(), settings.replicationFactor());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
            LOG.warn("Cannot create fnscope topics on {} yet: {}", bootstrapServers, rootMessage(ex));
            return false;
        }
    }

    @PreDestroy
    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
