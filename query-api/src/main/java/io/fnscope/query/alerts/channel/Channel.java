package io.fnscope.query.alerts.channel;

import java.time.Instant;
import java.util.Objects;

/**
 * A configured destination. The URL (which, for Slack, Teams and Google Chat, is itself the credential) and the
 * signing secret are write-only: the API shows {@link #maskedUrl()} only, and {@link #toString()} never prints
 * either, so a channel can be logged safely.
 *
 * @param tenant  owner
 * @param id      stable id (UUID text)
 * @param name    the user's label
 * @param kind    payload format
 * @param url     the webhook URL (secret)
 * @param secret  HMAC-SHA256 key of a {@link ChannelKind#WEBHOOK} channel, or null (unsigned)
 * @param updated when it was last written
 */
public record Channel(String tenant, String id, String name, ChannelKind kind, String url, String secret,
                      Instant updated) {

    public Channel {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        secret = secret == null || secret.isEmpty() ? null : secret;
    }

    /** Scheme and host only, then an ellipsis: enough to recognise the target, never enough to post to it. */
    public String maskedUrl() {
        try {
            java.net.URI u = java.net.URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/…";
        } catch (IllegalArgumentException e) {
            return "…";
        }
    }

    @Override
    public String toString() {
        return "Channel[" + tenant + "/" + id + " " + kind.apiName() + " '" + name + "' " + maskedUrl()
                + (secret == null ? "" : " signed") + "]";
    }
}
