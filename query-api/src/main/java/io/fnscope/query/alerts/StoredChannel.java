package io.fnscope.query.alerts;

import io.fnscope.query.alerts.channel.Channel;
import io.fnscope.query.alerts.channel.ChannelKind;
import io.micronaut.core.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * A channel as {@code alert_config} keeps it: URL and secret sealed by {@link SecretBox} when a key is configured
 * (never returned by the API either way: see {@link ChannelView}).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
record StoredChannel(String name, String kind, String url, @Nullable String secret, Instant updated) {

    static StoredChannel of(Channel c, SecretBox box) {
        return new StoredChannel(c.name(), c.kind().apiName(), box.seal(c.url(), c.tenant(), c.id()),
                box.seal(c.secret(), c.tenant(), c.id()), c.updated());
    }

    /** @throws IllegalStateException when the URL or secret is sealed and cannot be opened with the key given */
    Channel toChannel(String tenant, String id, SecretBox box) {
        return new Channel(tenant, id, name, ChannelKind.parse(kind), box.open(url, tenant, id),
                box.open(secret, tenant, id), updated);
    }

    /** Whether URL and secret are stored as {@code box} would store them now (see {@link SecretBox#current}). */
    boolean current(String tenant, String id, SecretBox box) {
        return box.current(url, tenant, id) && box.current(secret, tenant, id);
    }

    @Override
    public String toString() {
        return "StoredChannel[" + kind + " '" + name + "']";
    }
}
