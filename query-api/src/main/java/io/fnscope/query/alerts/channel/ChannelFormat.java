package io.fnscope.query.alerts.channel;

/**
 * Renders a {@link Notification} as the JSON body one kind of channel accepts. A format only writes bytes; it knows
 * nothing of HTTP, retries or signing ({@link Delivery} moves the bytes, {@link WebhookSignature} signs them), so
 * the same body is what is signed, sent and, in tests, parsed back.
 *
 * <p>Every format makes the state readable by a person: titles and fallback texts start with {@code [FIRING]},
 * {@code [RESOLVED]} or {@code [TEST]}.
 */
public interface ChannelFormat {

    /** The request body, UTF-8 JSON. */
    byte[] body(Notification n);

    /** The format of a kind of channel; formats are stateless, so these are shared instances. */
    static ChannelFormat of(ChannelKind kind) {
        return switch (kind) {
            case SLACK -> SlackFormat.INSTANCE;
            case TEAMS -> TeamsFormat.INSTANCE;
            case GOOGLE_CHAT -> GoogleChatFormat.INSTANCE;
            case WEBHOOK -> WebhookFormat.INSTANCE;
        };
    }
}
