package io.fnscope.query.alerts;

import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.query.alerts.AlertConfigStore.Stored;
import io.fnscope.query.alerts.AlertConfigStore.Type;
import io.fnscope.query.alerts.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals every stored channel again under the current {@code fnscope.alerts.secret-key} when it was sealed with one of
 * {@code fnscope.alerts.previous-secret-keys}, or stored in plain text before a key was set: what finishes a key
 * rotation. Runs once as the query API starts. Replicas starting at once may both write a channel; each writes the
 * same URL and secret under the current key (with its own nonce), and the newest version is the one read.
 * A channel none of the keys opens is left as it is and named in the log (it keeps failing its deliveries, saying
 * why, until it is saved again or deleted).
 */
final class ChannelResealer {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelResealer.class);

    private final AlertConfigStore config;
    private final SecretBox secrets;
    private int resealed;

    ChannelResealer(AlertConfigStore config, SecretBox secrets) {
        this.config = config;
        this.secrets = secrets;
    }

    void run() {
        if (!secrets.enabled()) {
            return;
        }
        try {
            reseal();
        } catch (ClickHouseException e) {
            // Start-up goes on: the channels still open with the previous keys, and the next start tries again.
            LOG.warn("Could not seal the alert channels again under the current key: {}", e.getMessage());
        }
    }

    private void reseal() {
        int unreadable = 0;
        for (Stored<StoredChannel> s : config.all(Type.CHANNEL, StoredChannel.class)) {
            StoredChannel stored = s.value();
            if (stored.current(s.tenant(), s.id(), secrets)) {
                continue;
            }
            Channel channel;
            try {
                channel = stored.toChannel(s.tenant(), s.id(), secrets);
            } catch (IllegalStateException e) {
                unreadable++;
                LOG.warn("Alert channel {}/{} cannot be opened with the configured keys; left as it is",
                        s.tenant(), s.id());
                continue;
            }
            config.put(s.tenant(), Type.CHANNEL, s.id(), StoredChannel.of(channel, secrets));
            resealed++;
        }
        if (resealed > 0 || unreadable > 0) {
            LOG.info("Sealed {} alert channel(s) again under fnscope.alerts.secret-key; {} could not be opened",
                    resealed, unreadable);
        }
    }

    /** How many channels this start sealed again. */
    int resealed() {
        return resealed;
    }
}
