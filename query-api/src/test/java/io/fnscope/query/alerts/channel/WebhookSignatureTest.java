package io.fnscope.query.alerts.channel;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

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
    void refusesAnEmptySecretWithoutEchoingIt() {
        assertThatThrownBy(() -> WebhookSignature.sign("", FOX)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a webhook signature needs a non-empty secret");
    }
}
