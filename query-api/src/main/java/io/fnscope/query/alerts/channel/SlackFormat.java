package io.fnscope.query.alerts.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

import static io.fnscope.query.alerts.channel.Formats.JSON;
import static io.fnscope.query.alerts.channel.Formats.cut;
import static io.fnscope.query.alerts.channel.Formats.escapeMarkup;

/**
 * Slack incoming webhook: {@code {"text": fallback, "blocks": [...]}} in Block Kit. Slack rejects a whole message
 * ({@code invalid_blocks}, HTTP 400, not retried) when one block breaks a limit, so every limit is applied here
 * rather than trusted to the caller: header text at most 150 characters, at most 10 fields per section (more facts
 * make more sections), 2,000 characters per field, 3,000 per section text, 75 per button label. User text goes into
 * mrkdwn with {@code & < >} escaped, so a function named {@code <!channel>} cannot ping a channel.
 *
 * <p>Blocks: header (state and title), section (summary), sections of fields (severity, then the facts), a section
 * listing the top contributors, a context line (tenant, alert key, time), and an actions block with one button to
 * the link when there is one. The top-level {@code text} is what notifications and screen readers show.
 */
final class SlackFormat implements ChannelFormat {
    static final SlackFormat INSTANCE = new SlackFormat();

    static final int HEADER_MAX = 150;
    static final int FIELDS_PER_SECTION = 10;
    static final int FIELD_MAX = 2000;
    static final int SECTION_TEXT_MAX = 3000;

    private SlackFormat() {
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", cut(escapeMarkup(Formats.fallback(n)), SECTION_TEXT_MAX));
        ArrayNode blocks = root.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(Formats.headline(n), HEADER_MAX))
                .put("emoji", true);

        if (!n.summary().isEmpty()) {
            blocks.add(section(cut(escapeMarkup(n.summary()), SECTION_TEXT_MAX)));
        }

        List<Notification.Fact> fields = new java.util.ArrayList<>();
        fields.add(new Notification.Fact("Severity", Formats.lower(n.severity())));
        fields.addAll(n.facts());
        for (int i = 0; i < fields.size(); i += FIELDS_PER_SECTION) {
            ObjectNode section = blocks.addObject().put("type", "section");
            ArrayNode array = section.putArray("fields");
            for (Notification.Fact f : fields.subList(i, Math.min(fields.size(), i + FIELDS_PER_SECTION))) {
                array.add(mrkdwn(cut("*" + escapeMarkup(f.name()) + "*\n" + escapeMarkup(f.value()), FIELD_MAX)));
            }
        }

        if (!n.contributors().isEmpty()) {
            StringBuilder text = new StringBuilder("*Top contributors*");
            for (Notification.Fact c : n.contributors()) {
                text.append("\n• ").append(escapeMarkup(c.name())).append(" — ").append(escapeMarkup(c.value()));
            }
            blocks.add(section(cut(text.toString(), SECTION_TEXT_MAX)));
        }

        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements").add(mrkdwn(cut(escapeMarkup("fnscope · " + n.tenant() + " · " + n.alertKey()
                + " · " + n.at()), SECTION_TEXT_MAX)));

        if (n.link() != null) {
            ObjectNode button = blocks.addObject().put("type", "actions").putArray("elements").addObject()
                    .put("type", "button").put("action_id", "open");
            button.putObject("text").put("type", "plain_text").put("text", Formats.OPEN_LABEL);
            button.put("url", n.link());
        }
        return Formats.write(root);
    }

    private static ObjectNode section(String mrkdwn) {
        ObjectNode section = JSON.createObjectNode().put("type", "section");
        section.set("text", mrkdwn(mrkdwn));
        return section;
    }

    private static ObjectNode mrkdwn(String text) {
        return JSON.createObjectNode().put("type", "mrkdwn").put("text", text);
    }
}
