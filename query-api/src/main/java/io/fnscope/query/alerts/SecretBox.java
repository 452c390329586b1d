package io.fnscope.query.alerts;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encrypts channel URLs and signing secrets before they are stored ({@code alert_config}), with AES-256-GCM under
 * {@code fnscope.alerts.secret-key}, so a ClickHouse backup or a {@code SELECT} on the table does not hand out
 * webhook credentials. Stored form: {@code enc:v1:<base64(12-byte nonce, ciphertext and tag)>}; the tenant and the
 * channel id are authenticated with it, so a value copied onto another channel does not decrypt.
 *
 * <p>Without a key, values are stored as they are (and start-up says so); a stored encrypted value then cannot be
 * read and the channel's deliveries fail saying why. Values stored before a key was set stay readable.
 */
final class SecretBox {
    static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param base64Key 32 bytes, base64; null or blank for none */
    SecretBox(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            key = null;
            return;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fnscope.alerts.secret-key is not base64 (make one with: openssl rand"
                    + " -base64 32)");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("fnscope.alerts.secret-key must be 32 bytes (base64 of 32 random"
                    + " bytes: openssl rand -base64 32), got " + raw.length);
        }
        key = new SecretKeySpec(raw, "AES");
    }

    boolean enabled() {
        return key != null;
    }

    /** {@code value} sealed for (tenant, id); null stays null; unchanged without a key. */
    String seal(String value, String tenant, String id) {
        if (value == null || key == null) {
            return value;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(tenant, id));
            byte[] sealed = c.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a channel secret: " + e.getMessage(), e);
        }
    }

    /** The plain value of what {@link #seal} stored; a value stored without encryption comes back as it is. */
    String open(String stored, String tenant, String id) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        if (key == null) {
            throw new IllegalStateException("channel " + id + " was stored encrypted; set fnscope.alerts.secret-key to"
                    + " the key it was stored with");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(aad(tenant, id));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("channel " + id + " cannot be decrypted with fnscope.alerts.secret-key"
                    + " (another key, or the value was altered)");
        }
    }

    private static byte[] aad(String tenant, String id) {
        return (tenant + "\n" + id).getBytes(StandardCharsets.UTF_8);
    }
}
