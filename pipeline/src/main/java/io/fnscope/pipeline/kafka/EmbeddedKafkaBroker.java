package io.fnscope.pipeline.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM, with its log on disk.
 *
 * <p>It is the broker of the all-in-one run and of tests: a real broker, the same one a cluster runs, only with
 * replication factors of one. The storage directory is formatted on first start and reused afterwards, so data
 * and the cluster id survive restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final String host;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    /**
     * @param dataDir        where the log segments and metadata live; created if missing
     * @param host           the address to bind and advertise (loopback unless other machines must reach it)
     * @param brokerPort     client port; 0 picks a free one
     * @param controllerPort KRaft controller port; 0 picks a free one
     * @param overrides      extra broker properties, applied last
     */
    public EmbeddedKafkaBroker(Path dataDir, String host, int brokerPort, int controllerPort, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.host = host;
        this.brokerPort = brokerPort == 0 ? freePort(host) : brokerPort;
        this.controllerPort = controllerPort == 0 ? freePort(host) : controllerPort;
        this.overrides = Map.copyOf(overrides);
    }

    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        long started = System.nanoTime();
        // Kafka reports a port it cannot bind as a fatal fault that halts the JVM with a stack trace: say it first.
        ensureFree(brokerPort, "client");
        ensureFree(controllerPort, "controller");
        Properties props = brokerProperties();
        KafkaConfig config = new KafkaConfig(props, false);
        formatIfNew(config);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOG.info("Embedded Kafka broker listening on {} (data in {}), started in {} ms",
                bootstrapServers(), dataDir.toAbsolutePath(), (System.nanoTime() - started) / 1_000_000);
        return this;
    }

    public String bootstrapServers() {
        return host + ":" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        LOG.info("Embedded Kafka broker stopped");
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir().toString());
        // A single node cannot replicate: every internal topic gets one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // Collector records can be large (a whole OTLP request); keep the broker limit above the producer's.
        p.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("replica.fetch.max.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("log.retention.hours", "24");
        p.put("log.segment.bytes", Integer.toString(128 * 1024 * 1024));
        p.put("num.partitions", "4");
        p.putAll(overrides);
        return p;
    }

    private Path logDir() {
        return dataDir.resolve("log").toAbsolutePath();
    }

    /** Formats the storage once; an existing directory keeps its cluster id (reformatting it would fail). */
    private void formatIfNew(KafkaConfig config) {
        Path metaProperties = logDir().resolve("meta.properties");
        if (Files.exists(metaProperties)) {
            return;
        }
        try {
            Files.createDirectories(logDir());
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir().toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded Kafka data directory " + logDir(), e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the embedded Kafka storage in " + logDir()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The port can be bound now (another process may still take it before the broker does). */
    private void ensureFree(int port, String listener) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new PortInUseException(host, port, listener, e);
        }
    }

    /** A port of the embedded broker is taken: most often by another fnscope all-in-one, or a local Kafka. */
    public static final class PortInUseException extends IllegalStateException {
        private final int port;
        private final String listener;

        PortInUseException(String host, int port, String listener, IOException cause) {
            super("The embedded Kafka broker cannot listen on " + host + ":" + port + " (its " + listener + " port): "
                    + cause.getMessage() + ". Another fnscope all-in-one or a Kafka broker may be running on this"
                    + " machine", cause);
            this.port = port;
            this.listener = listener;
        }

        public int port() {
            return port;
        }

        /** {@code client} or {@code controller}. */
        public String listener() {
            return listener;
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + host, e);
        }
    }
}
