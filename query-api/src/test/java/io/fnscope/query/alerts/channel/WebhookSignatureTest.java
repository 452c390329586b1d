package io.fnscope.query.alerts.channel;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignatureTest {
    private static final byte[] FOX = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsWithHmacSha256InLowercaseHex() {
        // The RFC 2104 example every HMAC-SHA256 implementation agrees on.
        assertThat(WebhookSignature.sign("key", FOX))
                .isEqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    }

    @Test
    void verifiesOnlyTheExactBodyUnderTheSameSecret() {
        String signature = WebhookSignature.sign("key", FOX);

        assertThat(WebhookSignature.verify("key", FOX, signature)).isTrue();
        assertThat(WebhookSignature.verify("key", "The quick brown fox jumps over the lazy cat"
                .getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(WebhookSignature.verify("kex", FOX, signature)).isFalse();
        assertThat(WebhookSignature.verify("key", FOX, signature.toUpperCase())).isFalse(); // prefix is sha256=
        assertThat(WebhookSignature.verify("key", FOX, signature.substring(7))).isFalse(); // no prefix
        assertThat(WebhookSignature.verify("key", FOX, "sha256=zz")).isFalse();
        assertThat(WebhookSignature.verify("key", FOX, null)).isFalse();
    }

    @Test
    void theTimestampedSignatureSignsTheTimeAndTheBody() {
        // HMAC-SHA256("key", "1700000000." + FOX), computed independently (Python's hmac module).
        assertThat(WebhookSignature.signTimestamped("key", 1_700_000_000L, FOX))
                .isEqualTo("t=1700000000,v1=2f658d6aef4f246e91cd741bbcded7479e9605f9d41c9e248122a117e0e1765b");
    }

    @Test
    void aTimestampedSignatureVerifiesOnlyWithinTheTolerance() {
        Instant sent = Instant.ofEpochSecond(1_700_000_000L);
        String header = WebhookSignature.signTimestamped("key", sent.getEpochSecond(), FOX);
        Duration fiveMinutes = Duration.ofMinutes(5);

        assertThat(WebhookSignature.verifyTimestamped("key", FOX, header, sent, fiveMinutes)).isTrue();
        assertThat(WebhookSignature.verifyTimestamped("key", FOX, header, sent.plusSeconds(299), fiveMinutes)).isTrue();
        // A replay ten minutes later, and a clock far behind: refused.
        assertThat(WebhookSignature.verifyTimestamped("key", FOX, header, sent.plusSeconds(600), fiveMinutes)).isFalse();
        assertThat(WebhookSignature.verifyTimestamped("key", FOX, header, sent.minusSeconds(600), fiveMinutes)).isFalse();
        // A fresh time pasted onto an old signature does not verify.
        String moved = header.replace("t=1700000000", "t=1700000600");
        assertThat(WebhookSignature.verifyTimestamped("key", FOX, moved, sent.plusSeconds(600), fiveMinutes)).isFalse();
        assertThat(WebhookSignature.verifyTimestamped("kex", FOX, header, sent, fiveMinutes)).isFalse();
        for (String malformed : new String[]{null, "", "t=1700000000", "v1=ab,t=1700000000", "t=x,v1=ab",
                "t=1700000000,v1=zz", "t=1700000000,v1=ab,extra"}) {
            assertThat(WebhookSignature.verifyTimestamped("key", FOX, malformed, sent, fiveMinutes))
                    .as(String.valueOf(malformed)).isFalse();
        }
    }

    @Test
    void refusesAnEmptySecretWithoutEchoingIt() {
        assertThatThrownBy(() -> WebhookSignature.sign("", FOX)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a webhook signature needs a non-empty secret");
    }
}
