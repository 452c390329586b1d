package io.fnscope.query.alerts;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {
    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private static final String OTHER = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void sealsForOneTenantAndChannelOnly() {
        SecretBox box = new SecretBox(KEY);
        String url = "https://hooks.slack.com/services/T0/B0/secret";
        String sealed = box.seal(url, "acme", "c1");
        assertThat(sealed).startsWith(SecretBox.PREFIX).doesNotContain("secret").doesNotContain("hooks");
        assertThat(box.seal(url, "acme", "c1")).isNotEqualTo(sealed); // a fresh nonce each time
        assertThat(box.open(sealed, "acme", "c1")).isEqualTo(url);
        assertThatThrownBy(() -> box.open(sealed, "acme", "c2")).hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> box.open(sealed, "globex", "c1")).hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> new SecretBox(OTHER).open(sealed, "acme", "c1"))
                .hasMessageContaining("cannot be decrypted");
        String tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> box.open(tampered, "acme", "c1")).hasMessageContaining("cannot be decrypted");
        assertThat(box.seal(null, "acme", "c1")).isNull();
    }

    @Test
    void withoutAKeyValuesStayAsTheyAreAndSealedOnesSaySo() {
        SecretBox none = new SecretBox(null);
        assertThat(none.enabled()).isFalse();
        assertThat(none.seal("https://x", "acme", "c1")).isEqualTo("https://x");
        String sealed = new SecretBox(KEY).seal("https://x", "acme", "c1");
        assertThatThrownBy(() -> none.open(sealed, "acme", "c1")).hasMessageContaining("fnscope.alerts.secret-key");
        // Stored before a key was configured: still readable after.
        assertThat(new SecretBox(KEY).open("https://plain", "acme", "c1")).isEqualTo("https://plain");
    }

    @Test
    void aBadKeyIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new SecretBox("not base64!")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> new SecretBox(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }
}
