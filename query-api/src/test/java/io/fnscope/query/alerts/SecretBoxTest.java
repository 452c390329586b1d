package io.fnscope.query.alerts;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

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
    void previousKeysOpenButNeverSeal() {
        String url = "https://hooks.slack.com/services/T0/B0/secret";
        String underOld = new SecretBox(OTHER).seal(url, "acme", "c1");
        SecretBox rotated = new SecretBox(KEY, List.of(OTHER));
        assertThat(rotated.open(underOld, "acme", "c1")).isEqualTo(url);
        assertThat(rotated.current(underOld, "acme", "c1")).isFalse(); // to be sealed again
        String resealed = rotated.seal(url, "acme", "c1");
        assertThat(rotated.current(resealed, "acme", "c1")).isTrue();
        assertThat(new SecretBox(KEY).open(resealed, "acme", "c1")).isEqualTo(url); // the old key is not needed now
        assertThatThrownBy(() -> new SecretBox(OTHER).open(resealed, "acme", "c1"))
                .hasMessageContaining("cannot be decrypted");
        // Plain text stored before any key: not current once a key is set; null always is.
        assertThat(rotated.current("https://plain", "acme", "c1")).isFalse();
        assertThat(rotated.current(null, "acme", "c1")).isTrue();
        assertThat(new SecretBox(null).current("https://plain", "acme", "c1")).isTrue();
        // A value under neither key still fails, naming both.
        String third = Base64.getEncoder().encodeToString("abcdefghijklmnopqrstuvwxyz012345".getBytes());
        String underThird = new SecretBox(third).seal(url, "acme", "c1");
        assertThatThrownBy(() -> rotated.open(underThird, "acme", "c1")).hasMessageContaining("or a previous key");
    }

    @Test
    void previousKeysWithoutACurrentOneOrMalformedAreRefused() {
        assertThatThrownBy(() -> new SecretBox(null, List.of(OTHER)))
                .hasMessageContaining("previous-secret-keys is set without fnscope.alerts.secret-key");
        assertThatThrownBy(() -> new SecretBox(KEY, List.of("short")))
                .hasMessageContaining("fnscope.alerts.previous-secret-keys");
    }

    @Test
    void aBadKeyIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new SecretBox("not base64!")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> new SecretBox(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }
}
