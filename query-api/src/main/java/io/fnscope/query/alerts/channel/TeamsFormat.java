package io.fnscope.query.alerts.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

import static io.fnscope.query.alerts.channel.Formats.JSON;

/**
 * Microsoft Teams through a Workflows webhook: one message with one Adaptive Card (schema 1.4) attached. Office 365
 * connectors (MessageCard) are retired; the "post to a channel when a webhook request is received" workflow expects
 * exactly this envelope ({@code type: message}, {@code attachments[0].contentType} the adaptive card type,
 * {@code contentUrl: null}).
 *
 * <p>Card body: the headline as a bold medium TextBlock, coloured {@code Attention} while a warning or critical
 * alert fires and {@code Good} once resolved; the summary (wrapped); a FactSet of severity and facts; the top
 * contributors as a second FactSet under its own heading; and an {@code Action.OpenUrl} to the link when there is
 * one.
 */
final class TeamsFormat implements ChannelFormat {
    static final TeamsFormat INSTANCE = new TeamsFormat();

    static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

    private TeamsFormat() {
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode root = JSON.createObjectNode().put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject().put("contentType", CONTENT_TYPE);
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content")
                .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .put("type", "AdaptiveCard")
                .put("version", "1.4");
        ArrayNode body = card.putArray("body");

        ObjectNode title = body.addObject().put("type", "TextBlock").put("text", Formats.headline(n))
                .put("weight", "Bolder").put("size", "Medium").put("wrap", true);
        String color = color(n);
        if (color != null) {
            title.put("color", color);
        }
        if (!n.summary().isEmpty()) {
            body.addObject().put("type", "TextBlock").put("text", n.summary()).put("wrap", true);
        }

        List<Notification.Fact> facts = new java.util.ArrayList<>();
        facts.add(new Notification.Fact("Severity", Formats.lower(n.severity())));
        facts.addAll(n.facts());
        body.add(factSet(facts));

        if (!n.contributors().isEmpty()) {
            body.addObject().put("type", "TextBlock").put("text", "Top contributors").put("weight", "Bolder")
                    .put("spacing", "Medium").put("wrap", true);
            body.add(factSet(n.contributors()));
        }

        if (n.link() != null) {
            card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", Formats.OPEN_LABEL)
                    .put("url", n.link());
        }
        return Formats.write(root);
    }

    /** Attention while a warning or critical alert fires, Good once resolved; default otherwise (info, test). */
    static String color(Notification n) {
        return switch (n.state()) {
            case FIRING -> n.severity() == Notification.Severity.INFO ? null : "Attention";
            case RESOLVED -> "Good";
            case TEST -> null;
        };
    }

    private static ObjectNode factSet(List<Notification.Fact> facts) {
        ObjectNode set = JSON.createObjectNode().put("type", "FactSet");
        ArrayNode array = set.putArray("facts");
        for (Notification.Fact f : facts) {
            array.addObject().put("title", f.name()).put("value", f.value());
        }
        return set;
    }
}
