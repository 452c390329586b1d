package io.fnscope.query.alerts.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static io.fnscope.query.alerts.channel.Formats.JSON;
import static io.fnscope.query.alerts.channel.Formats.escapeMarkup;

/**
 * Google Chat incoming webhook: {@code {"text": fallback, "cardsV2": [{"cardId", "card"}]}}. The text is what
 * notifications show; the card carries the detail. Card text fields accept a small HTML subset, so user text has
 * {@code & < >} escaped there.
 *
 * <p>{@code cardId} is derived from the alert key ({@code fnscope-} and 16 hex digits of its SHA-256): stable for
 * one condition, and free of whatever characters the key holds. Card: header (headline; severity and tenant as
 * subtitle), a section with the summary and one {@code decoratedText} per fact, a "Top contributors" section, and a
 * {@code buttonList} opening the link when there is one.
 */
final class GoogleChatFormat implements ChannelFormat {
    static final GoogleChatFormat INSTANCE = new GoogleChatFormat();

    private GoogleChatFormat() {
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode root = JSON.createObjectNode().put("text", Formats.fallback(n));
        ObjectNode entry = root.putArray("cardsV2").addObject().put("cardId", cardId(n.alertKey()));
        ObjectNode card = entry.putObject("card");
        card.putObject("header").put("title", Formats.headline(n))
                .put("subtitle", Formats.lower(n.severity()) + " · " + n.tenant());
        ArrayNode sections = card.putArray("sections");

        ObjectNode details = sections.addObject();
        ArrayNode widgets = details.putArray("widgets");
        if (!n.summary().isEmpty()) {
            widgets.addObject().putObject("textParagraph").put("text", escapeMarkup(n.summary()));
        }
        decorated(widgets, List.of(new Notification.Fact("Severity", Formats.lower(n.severity()))));
        decorated(widgets, n.facts());

        if (!n.contributors().isEmpty()) {
            ObjectNode contributors = sections.addObject().put("header", "Top contributors");
            decorated(contributors.putArray("widgets"), n.contributors());
        }

        if (n.link() != null) {
            ObjectNode button = sections.addObject().putArray("widgets").addObject().putObject("buttonList")
                    .putArray("buttons").addObject().put("text", Formats.OPEN_LABEL);
            button.putObject("onClick").putObject("openLink").put("url", n.link());
        }
        return Formats.write(root);
    }

    static String cardId(String alertKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(alertKey.getBytes(StandardCharsets.UTF_8));
            return "fnscope-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void decorated(ArrayNode widgets, List<Notification.Fact> facts) {
        for (Notification.Fact f : facts) {
            widgets.addObject().putObject("decoratedText").put("topLabel", escapeMarkup(f.name()))
                    .put("text", escapeMarkup(f.value()));
        }
    }
}
