package io.fnscope.query.alerts;

import io.fnscope.query.alerts.channel.Channel;
import io.fnscope.query.alerts.channel.Delivery;
import io.fnscope.query.alerts.channel.DeliveryAttempt;
import io.fnscope.query.alerts.channel.DeliveryLog;
import io.fnscope.query.alerts.channel.DeliverySettings;
import io.fnscope.query.alerts.channel.OutboundPolicy;
import io.fnscope.query.alerts.channel.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Delivers to a tenant's channels through {@link Delivery} (each channel on its own, with its own retries, so a
 * failing channel never holds up another) and records every attempt in {@code alert_deliveries}. The delivery id of
 * an event to a channel is {@code <event id>/<channel id>}, the same on every attempt.
 */
final class ChannelNotifier implements DeliveryLog, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelNotifier.class);

    private final AlertConfigStore config;
    private final AlertHistory history;
    private final Delivery delivery;
    private final SecretBox secrets;
    private final AlertMetrics metrics;

    ChannelNotifier(AlertConfigStore config, AlertHistory history, SecretBox secrets, DeliverySettings settings,
                    OutboundPolicy policy, AlertMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.history = history;
        this.secrets = secrets;
        // The delivery reports each attempt back here (attempt(...)), which only stores it: no cycle at run time.
        this.delivery = new Delivery(settings, policy, this, Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Sends one notification to one channel (the API's test message awaits it). */
    Delivery delivery() {
        return delivery;
    }

    @Override
    public void close() {
        delivery.close();
    }

    /** Hands {@code n} to each of the tenant's channels and returns at once (delivery runs on its own). */
    void notify(String tenant, List<String> channelIds, Notification n, String eventId) {
        Map<String, StoredChannel> channels = config.list(tenant, AlertConfigStore.Type.CHANNEL, StoredChannel.class)
                .stream().collect(Collectors.toMap(AlertConfigStore.Stored::id, AlertConfigStore.Stored::value,
                        (a, b) -> b));
        for (String id : channelIds) {
            StoredChannel stored = channels.get(id);
            String deliveryId = eventId + "/" + id;
            String problem = stored == null ? "channel " + id + " does not exist (deleted?)" : null;
            Channel c = null;
            if (stored != null) {
                try {
                    c = stored.toChannel(tenant, id, secrets);
                } catch (IllegalStateException e) {
                    problem = e.getMessage();
                }
            }
            if (c == null) {
                attempt(new DeliveryAttempt(tenant, deliveryId, n.alertKey(), id, null, 1, Instant.now(), 0, 0,
                        DeliveryAttempt.Outcome.FAILED, problem));
                continue;
            }
            delivery.send(c, n, deliveryId); // outcome: logged by Delivery, recorded per attempt by attempt(...)
        }
    }

    @Override
    public void attempt(DeliveryAttempt a) {
        String outcome = a.outcome().name().toLowerCase(java.util.Locale.ROOT);
        metrics.attempt(a.kind() == null ? "unknown" : a.kind().apiName(), outcome);
        try {
            // Delivery ids are "<event id>/<channel id>" (notify above, and the API's test message).
            String eventId = a.deliveryId().substring(0, Math.max(0, a.deliveryId().lastIndexOf('/')));
            history.attempt(a.tenant(), eventId, new AlertEvent.DeliveryRecord(a.deliveryId(), a.channelId(),
                    a.kind() == null ? "" : a.kind().apiName(), a.attempt(), a.started(), a.durationMs(), a.status(),
                    outcome, a.error()));
        } catch (RuntimeException e) {
            LOG.warn("delivery attempt {} #{} not recorded: {}", a.deliveryId(), a.attempt(), e.toString());
        }
    }
}
