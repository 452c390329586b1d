package io.fnscope.query.alerts.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.fnscope.query.alerts.channel.ChannelFixtures.FAST;
import static io.fnscope.query.alerts.channel.ChannelFixtures.LINK;
import static io.fnscope.query.alerts.channel.ChannelFixtures.SECRET;
import static io.fnscope.query.alerts.channel.ChannelFixtures.channel;
import static io.fnscope.query.alerts.channel.ChannelFixtures.firing;
import static io.fnscope.query.alerts.channel.ChannelFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each format as its service receives it: the notification is delivered to a loopback receiver standing in for Slack,
 * Teams, Google Chat or a webhook, and the captured request is parsed back and checked against the documented shape.
 */
class ChannelFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Receiver receiver;
    private static Delivery delivery;

    @BeforeAll
    static void start() throws IOException {
        receiver = Receiver.answering(200);
        delivery = ChannelFixtures.delivery(FAST, DeliveryLog.NONE);
    }

    @AfterAll
    static void stop() {
        delivery.close();
        receiver.close();
    }

    /** Delivers and returns the one request the receiver got. */
    private static Receiver.Request deliver(ChannelKind kind, String secret, Notification n) {
        int before = receiver.requests.size();
        DeliveryResult result = delivery.send(channel(kind, receiver.url(), secret), n).join();
        assertThat(result.outcome()).isEqualTo(DeliveryAttempt.Outcome.DELIVERED);
        assertThat(receiver.requests).hasSize(before + 1);
        Receiver.Request request = receiver.requests.get(before);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(Receiver.SECRET_PATH + "?" + Receiver.SECRET_QUERY);
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header(Delivery.DELIVERY_HEADER)).isEqualTo(result.deliveryId());
        return request;
    }

    private static JsonNode json(Receiver.Request r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void slackBlockKit() throws IOException {
        JsonNode root = json(deliver(ChannelKind.SLACK, null, firing()));

        assertThat(root.path("text").asText()).startsWith("[FIRING] Budget 'payments' at 82 % of $500.00 (month)");
        JsonNode blocks = root.path("blocks");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).path("text").path("type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(0).path("text").path("text").asText())
                .isEqualTo("[FIRING] Budget 'payments' at 82 % of $500.00 (month)");
        assertThat(blocks.get(1).path("text").path("type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(1).path("text").path("text").asText()).contains("forecast $615.00");
        List<String> fields = texts(blocks.get(2).path("fields"));
        assertThat(fields).containsExactly("*Severity*\ncritical", "*Spend*\n$410.00", "*Budget*\n$500.00",
                "*Forecast*\n$615.00");
        assertThat(blocks.get(3).path("text").path("text").asText())
                .contains("Top contributors", "checkout-api — $220.10", "invoice-worker — $95.40");
        assertThat(blocks.get(4).path("type").asText()).isEqualTo("context");
        JsonNode actions = blocks.get(5);
        assertThat(actions.path("type").asText()).isEqualTo("actions");
        assertThat(actions.path("elements").get(0).path("type").asText()).isEqualTo("button");
        assertThat(actions.path("elements").get(0).path("url").asText()).isEqualTo(LINK);
        assertThat(blocks).hasSize(6);
    }

    @Test
    void slackKeepsBlockKitLimitsAndEscapesMrkdwn() throws IOException {
        Notification base = firing();
        List<Notification.Fact> facts = IntStream.rangeClosed(1, 15)
                .mapToObj(i -> new Notification.Fact("f" + i, "v" + i)).toList();
        Notification n = new Notification("acme", "k", Notification.State.RESOLVED, Notification.Severity.WARNING,
                "x".repeat(400), "<!channel> spend & more > budget", facts, List.of(), null, base.at());

        JsonNode root = JSON.readTree(ChannelFormat.of(ChannelKind.SLACK).body(n));

        JsonNode blocks = root.path("blocks");
        String header = blocks.get(0).path("text").path("text").asText();
        assertThat(header).hasSizeLessThanOrEqualTo(SlackFormat.HEADER_MAX).startsWith("[RESOLVED] xxx").endsWith("…");
        assertThat(blocks.get(1).path("text").path("text").asText())
                .isEqualTo("&lt;!channel&gt; spend &amp; more &gt; budget");
        assertThat(root.path("text").asText()).doesNotContain("<!channel>");
        // Severity + 15 facts = 16 fields: one full section of 10, one of 6.
        assertThat(blocks.get(2).path("fields")).hasSize(10);
        assertThat(blocks.get(3).path("fields")).hasSize(6);
        List<String> types = new ArrayList<>();
        blocks.forEach(b -> types.add(b.path("type").asText()));
        assertThat(types).containsExactly("header", "section", "section", "section", "context"); // no link, no button
    }

    @Test
    void teamsAdaptiveCard() throws IOException {
        JsonNode root = json(deliver(ChannelKind.TEAMS, null, firing()));

        assertThat(root.path("type").asText()).isEqualTo("message");
        JsonNode attachment = root.path("attachments").get(0);
        assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(attachment.has("contentUrl")).isTrue();
        assertThat(attachment.path("contentUrl").isNull()).isTrue();
        JsonNode card = attachment.path("content");
        assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.path("version").asText()).isEqualTo("1.4");
        assertThat(card.path("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        JsonNode body = card.path("body");
        assertThat(body.get(0).path("type").asText()).isEqualTo("TextBlock");
        assertThat(body.get(0).path("text").asText()).startsWith("[FIRING] Budget 'payments'");
        assertThat(body.get(0).path("weight").asText()).isEqualTo("Bolder");
        assertThat(body.get(0).path("size").asText()).isEqualTo("Medium");
        assertThat(body.get(0).path("color").asText()).isEqualTo("Attention");
        assertThat(body.get(1).path("wrap").asBoolean()).isTrue();
        assertThat(body.get(2).path("type").asText()).isEqualTo("FactSet");
        assertThat(facts(body.get(2).path("facts"), "title", "value"))
                .containsExactly("Severity=critical", "Spend=$410.00", "Budget=$500.00", "Forecast=$615.00");
        assertThat(body.get(3).path("text").asText()).isEqualTo("Top contributors");
        assertThat(facts(body.get(4).path("facts"), "title", "value"))
                .containsExactly("checkout-api=$220.10", "invoice-worker=$95.40");
        JsonNode action = card.path("actions").get(0);
        assertThat(action.path("type").asText()).isEqualTo("Action.OpenUrl");
        assertThat(action.path("title").asText()).isEqualTo("Open in fnscope");
        assertThat(action.path("url").asText()).isEqualTo(LINK);
    }

    @Test
    void teamsResolvedIsGoodAndWithoutLinkHasNoAction() throws IOException {
        JsonNode card = JSON.readTree(ChannelFormat.of(ChannelKind.TEAMS)
                .body(with(firing(), Notification.State.RESOLVED, null))).path("attachments").get(0).path("content");

        assertThat(card.path("body").get(0).path("text").asText()).startsWith("[RESOLVED] ");
        assertThat(card.path("body").get(0).path("color").asText()).isEqualTo("Good");
        assertThat(card.has("actions")).isFalse();
    }

    @Test
    void googleChatCardsV2() throws IOException {
        JsonNode root = json(deliver(ChannelKind.GOOGLE_CHAT, null,
                with(firing(), Notification.State.RESOLVED, LINK)));

        assertThat(root.path("text").asText()).startsWith("[RESOLVED] Budget 'payments'");
        JsonNode entry = root.path("cardsV2").get(0);
        assertThat(entry.path("cardId").asText()).matches("fnscope-[0-9a-f]{16}")
                .isEqualTo(GoogleChatFormat.cardId("budget:payments:month:0.8"));
        JsonNode card = entry.path("card");
        assertThat(card.path("header").path("title").asText()).startsWith("[RESOLVED] Budget 'payments'");
        assertThat(card.path("header").path("subtitle").asText()).isEqualTo("critical · acme");
        JsonNode sections = card.path("sections");
        assertThat(sections).hasSize(3);
        JsonNode widgets = sections.get(0).path("widgets");
        assertThat(widgets.get(0).path("textParagraph").path("text").asText()).contains("forecast $615.00");
        List<String> facts = new ArrayList<>();
        widgets.forEach(w -> {
            if (w.has("decoratedText")) {
                facts.add(w.path("decoratedText").path("topLabel").asText() + "="
                        + w.path("decoratedText").path("text").asText());
            }
        });
        assertThat(facts).containsExactly("Severity=critical", "Spend=$410.00", "Budget=$500.00", "Forecast=$615.00");
        assertThat(sections.get(1).path("header").asText()).isEqualTo("Top contributors");
        assertThat(sections.get(1).path("widgets").get(0).path("decoratedText").path("topLabel").asText())
                .isEqualTo("checkout-api");
        JsonNode button = sections.get(2).path("widgets").get(0).path("buttonList").path("buttons").get(0);
        assertThat(button.path("text").asText()).isEqualTo("Open in fnscope");
        assertThat(button.path("onClick").path("openLink").path("url").asText()).isEqualTo(LINK);
    }

    @Test
    void webhookJsonSignedOverTheExactBody() throws IOException {
        Notification n = with(firing(), Notification.State.TEST, null);
        Receiver.Request request = deliver(ChannelKind.WEBHOOK, SECRET, n);
        JsonNode root = json(request);

        assertThat(root.path("version").asInt()).isEqualTo(1);
        assertThat(root.path("tenant").asText()).isEqualTo("acme");
        assertThat(root.path("alertKey").asText()).isEqualTo("budget:payments:month:0.8");
        assertThat(root.path("state").asText()).isEqualTo("test");
        assertThat(root.path("severity").asText()).isEqualTo("critical");
        assertThat(root.path("title").asText()).isEqualTo("Budget 'payments' at 82 % of $500.00 (month)");
        assertThat(root.path("text").asText()).startsWith("[TEST] ");
        assertThat(root.path("summary").asText()).contains("forecast $615.00");
        assertThat(facts(root.path("facts"), "name", "value"))
                .containsExactly("Spend=$410.00", "Budget=$500.00", "Forecast=$615.00");
        assertThat(facts(root.path("contributors"), "name", "value"))
                .containsExactly("checkout-api=$220.10", "invoice-worker=$95.40");
        assertThat(root.has("link")).isTrue();
        assertThat(root.path("link").isNull()).isTrue();
        assertThat(root.path("at").asText()).isEqualTo("2025-06-01T12:00:00Z");

        String signature = request.header(WebhookSignature.HEADER);
        assertThat(signature).matches("sha256=[0-9a-f]{64}");
        assertThat(WebhookSignature.verify(SECRET, request.body(), signature)).isTrue();
        byte[] tampered = request.text().replace("critical", "info").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(SECRET, tampered, signature)).isFalse();
        assertThat(WebhookSignature.verify("another-secret", request.body(), signature)).isFalse();
        String timestamped = request.header(WebhookSignature.TIMESTAMPED_HEADER);
        assertThat(timestamped).matches("t=[0-9]{10},v1=[0-9a-f]{64}");
        assertThat(WebhookSignature.verifyTimestamped(SECRET, request.body(), timestamped, java.time.Instant.now(),
                java.time.Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verifyTimestamped(SECRET, tampered, timestamped, java.time.Instant.now(),
                java.time.Duration.ofMinutes(5))).isFalse();
        assertThat(UUID.fromString(request.header(Delivery.DELIVERY_HEADER))).isNotNull();
    }

    @Test
    void onlySignedWebhooksCarryASignature() {
        assertThat(deliver(ChannelKind.WEBHOOK, null, firing()).header(WebhookSignature.HEADER)).isNull();
        assertThat(deliver(ChannelKind.WEBHOOK, null, firing()).header(WebhookSignature.TIMESTAMPED_HEADER)).isNull();
        // A secret on a chat channel is not sent: Slack, Teams and Google Chat have no use for it.
        assertThat(deliver(ChannelKind.SLACK, SECRET, firing()).header(WebhookSignature.HEADER)).isNull();
        assertThat(deliver(ChannelKind.SLACK, SECRET, firing()).header(WebhookSignature.TIMESTAMPED_HEADER)).isNull();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.path("text").asText()));
        return out;
    }

    private static List<String> facts(JsonNode array, String name, String value) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.path(name).asText() + "=" + e.path(value).asText()));
        return out;
    }
}
