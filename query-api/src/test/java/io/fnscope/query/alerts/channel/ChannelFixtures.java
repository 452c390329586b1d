package io.fnscope.query.alerts.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Notifications, channels and settings shared by the channel tests. */
final class ChannelFixtures {
    static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");
    static final String LINK = "https://fnscope.example/budgets/payments?period=2025-06";
    static final String SECRET = "whsec-fixture-key";

    /** Fast retries without jitter, loopback allowed: tests run in well under a second each. */
    static final DeliverySettings FAST = new DeliverySettings(Duration.ofSeconds(2), 4, Duration.ofMillis(10),
            Duration.ofMillis(40), List.of("127.0.0.1"));

    private ChannelFixtures() {
    }

    static Notification firing() {
        return new Notification("acme", "budget:payments:month:0.8", Notification.State.FIRING,
                Notification.Severity.CRITICAL, "Budget 'payments' at 82 % of $500.00 (month)",
                "Spend is $410.00 of $500.00; forecast $615.00 by month end.",
                List.of(new Notification.Fact("Spend", "$410.00"), new Notification.Fact("Budget", "$500.00"),
                        new Notification.Fact("Forecast", "$615.00")),
                List.of(new Notification.Fact("checkout-api", "$220.10"),
                        new Notification.Fact("invoice-worker", "$95.40")),
                LINK, AT);
    }

    static Notification with(Notification n, Notification.State state, String link) {
        return new Notification(n.tenant(), n.alertKey(), state, n.severity(), n.title(), n.summary(), n.facts(),
                n.contributors(), link, n.at());
    }

    static Channel channel(ChannelKind kind, String url, String secret) {
        return new Channel("acme", "ch-" + kind.apiName(), kind.apiName() + " channel", kind, url, secret, AT);
    }

    static Delivery delivery(DeliverySettings settings, DeliveryLog log) {
        return new Delivery(settings, new OutboundPolicy(settings.allow()), log, java.time.Clock.systemUTC(),
                Delivery.NO_JITTER);
    }
}
