package io.fnscope.query.alerts;

import io.fnscope.query.alerts.channel.Channel;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A channel as the API shows it: the URL masked to scheme and host, and whether it signs, never the URL's path or
 * the secret (write-only: send them again to change them).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
record ChannelView(String id, String name, String kind, String url, boolean signed, String updated) {

    static ChannelView of(Channel c) {
        return new ChannelView(c.id(), c.name(), c.kind().apiName(), c.maskedUrl(), c.secret() != null,
                c.updated() == null ? null : c.updated().toString());
    }
}
