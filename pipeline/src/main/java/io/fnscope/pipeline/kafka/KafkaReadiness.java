package io.fnscope.pipeline.kafka;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.admin.Admin;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micronaut.core.async.publisher.Publishers;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Readiness while Kafka is reachable and fnscope's topics exist. A background probe asks the cluster every few
 * seconds (and creates missing topics), so {@code /health/readiness} answers at once and never waits on Kafka;
 * a process that starts while Kafka is down becomes ready when Kafka comes.
 */
@Context
@Readiness
@Requires(condition = KafkaNeeded.class)
public class KafkaReadiness implements HealthIndicator {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaReadiness.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final KafkaCluster cluster;
    private final Admin admin;
    private final ScheduledExecutorService probe;
    private volatile boolean topicsReady;
    private volatile boolean reachable;
    private volatile String lastError = "not probed yet";
    private volatile Instant lastProbe = Instant.EPOCH;

    public KafkaReadiness(KafkaCluster cluster) {
        this.cluster = cluster;
        this.admin = cluster.newAdmin();
        this.probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fnscope-kafka-probe");
            t.setDaemon(true);
            return t;
        });
        probeOnce();
        probe.scheduleWithFixedDelay(this::probeOnce, 5, 5, TimeUnit.SECONDS);
    }

    /** True while the last probe reached the cluster and all topics existed. */
    public boolean isReady() {
        return reachable && topicsReady;
    }

    void probeOnce() {
        try {
            admin.describeCluster().nodes().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            boolean wasReachable = reachable;
            reachable = true;
            if (!topicsReady) {
                topicsReady = cluster.ensureTopics(admin, PROBE_TIMEOUT);
            }
            if (!wasReachable) {
                LOG.info("Kafka at {} is reachable", cluster.bootstrapServers());
            }
            lastError = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (reachable || lastProbe.equals(Instant.EPOCH)) {
                LOG.warn("Kafka at {} is unreachable: {}", cluster.bootstrapServers(), KafkaCluster.rootMessage(e));
            }
            reachable = false;
            lastError = KafkaCluster.rootMessage(e);
        } finally {
            lastProbe = Instant.now();
        }
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("bootstrapServers", cluster.bootstrapServers());
        details.put("embedded", cluster.isEmbedded());
        details.put("reachable", reachable);
        details.put("topicsReady", topicsReady);
        details.put("lastProbe", lastProbe.toString());
        if (lastError != null) {
            details.put("error", lastError);
        }
        // A detail, not DOWN: taken out of service the all-in-one could not even answer the 503 that makes
        // exporters keep their data and retry.
        String disk = cluster.diskShortage();
        if (disk != null) {
            details.put("diskShortage", disk);
        }
        return Publishers.just(HealthResult.builder("kafka", isReady() ? HealthStatus.UP : HealthStatus.DOWN)
                .details(details).build());
    }

    @PreDestroy
    void close() {
        probe.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
