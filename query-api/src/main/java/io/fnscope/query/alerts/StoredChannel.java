package io.fnscope.query.alerts;

import io.fnscope.query.alerts.channel.Channel;
import io.fnscope.query.alerts.channel.ChannelKind;
import io.micronaut.core.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** A channel as {@code alert_config} keeps it, secrets included (never returned by the API: see {@link ChannelView}). */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
record StoredChannel(String name, String kind, String url, @Nullable String secret, Instant updated) {

    Channel toChannel(String tenant, String id) {
        return new Channel(tenant, id, name, ChannelKind.parse(kind), url, secret, updated);
    }

    @Override
    public String toString() {
        return "StoredChannel[" + kind + " '" + name + "']";
    }
}
