package io.fnscope.query.alerts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The body of a channel create or update. On update, a missing {@code url} or {@code secret} keeps the stored one
 * (they are never shown, so a client cannot send them back); an empty {@code secret} removes it.
 */
@Serdeable
record ChannelRequest(@Nullable String name, @Nullable String kind, @Nullable String url, @Nullable String secret) {

    @Override
    public String toString() {
        return "ChannelRequest[" + kind + " '" + name + "']";
    }
}
