package io.fnscope.query.alerts.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

import static io.fnscope.query.alerts.channel.Formats.JSON;

/**
 * fnscope's own webhook JSON, for everything that is not a chat service (PagerDuty bridges, ticketing, scripts).
 * It is a contract: {@code version} stays 1 as long as fields are only added, never renamed or retyped.
 *
 * <pre>{@code
 * {"version": 1, "tenant": "...", "alertKey": "...", "state": "firing|resolved|test",
 *  "severity": "info|warning|critical", "title": "...", "text": "[FIRING] <title>", "summary": "...",
 *  "facts": [{"name": "...", "value": "..."}], "contributors": [{"name": "...", "value": "..."}],
 *  "link": "https://..." | null, "at": "2025-01-01T00:00:00Z"}
 * }</pre>
 *
 * {@code text} is the headline a forwarder can show as is; {@code at} is ISO-8601 UTC. When the channel has a
 * secret, these exact bytes are what {@code X-Fnscope-Signature} signs ({@link WebhookSignature}).
 */
final class WebhookFormat implements ChannelFormat {
    static final WebhookFormat INSTANCE = new WebhookFormat();

    static final int VERSION = 1;

    private WebhookFormat() {
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode root = JSON.createObjectNode()
                .put("version", VERSION)
                .put("tenant", n.tenant())
                .put("alertKey", n.alertKey())
                .put("state", Formats.lower(n.state()))
                .put("severity", Formats.lower(n.severity()))
                .put("title", n.title())
                .put("text", Formats.headline(n))
                .put("summary", n.summary());
        facts(root.putArray("facts"), n.facts());
        facts(root.putArray("contributors"), n.contributors());
        root.put("link", n.link());
        root.put("at", n.at().toString());
        return Formats.write(root);
    }

    private static void facts(ArrayNode array, List<Notification.Fact> facts) {
        for (Notification.Fact f : facts) {
            array.addObject().put("name", f.name()).put("value", f.value());
        }
    }
}
