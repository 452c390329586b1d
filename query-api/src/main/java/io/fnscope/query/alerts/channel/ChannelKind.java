package io.fnscope.query.alerts.channel;

import java.util.Locale;

/** Where a notification can go; each kind has its own payload format ({@link ChannelFormat#of}). */
public enum ChannelKind {
    /** Slack incoming webhook: {@code {"text": ..., "blocks": [...]}} (Block Kit). */
    SLACK,
    /** Microsoft Teams Workflows webhook: a message with one Adaptive Card attachment. */
    TEAMS,
    /** Google Chat incoming webhook: {@code {"text": ..., "cardsV2": [...]}}. */
    GOOGLE_CHAT,
    /** fnscope's own JSON, signed with HMAC-SHA256 over the body when the channel has a secret. */
    WEBHOOK;

    /** The API's name: {@code slack}, {@code teams}, {@code google-chat}, {@code webhook}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ChannelKind parse(String s) {
        for (ChannelKind k : values()) {
            if (k.apiName().equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown channel kind '" + s + "'; expected slack, teams, google-chat or webhook");
    }
}
