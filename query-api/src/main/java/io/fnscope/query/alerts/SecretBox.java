package io.fnscope.query.alerts;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encrypts channel URLs and signing secrets before they are stored ({@code alert_config}), with AES-256-GCM under
 * {@code fnscope.alerts.secret-key}, so a ClickHouse backup or a {@code SELECT} on the table does not hand out
 * webhook credentials. Stored form: {@code enc:v1:<base64(12-byte nonce, ciphertext and tag)>}; the tenant and the
 * channel id are authenticated with it, so a value copied onto another channel does not decrypt.
 *
 * <p>Without a key, values are stored as they are (and start-up says so); a stored encrypted value then cannot be
 * read and the channel's deliveries fail saying why. Values stored before a key was set stay readable.
 *
 * <p>Rotation: {@code fnscope.alerts.previous-secret-keys} still open what they sealed but never seal;
 * {@link #current} tells a value sealed with the current key, so start-up can seal the others again
 * ({@link ChannelResealer}).
 */
final class SecretBox {
    static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final List<SecretKeySpec> previous;
    private final SecureRandom random = new SecureRandom();

    /** @param base64Key 32 bytes, base64; null or blank for none */
    SecretBox(String base64Key) {
        this(base64Key, List.of());
    }

    /**
     * @param base64Key    32 bytes, base64; null or blank for none
     * @param previousKeys keys values may still be sealed with (base64 of 32 bytes each); they open, never seal
     */
    SecretBox(String base64Key, List<String> previousKeys) {
        key = base64Key == null || base64Key.isBlank() ? null : parse(base64Key, "fnscope.alerts.secret-key");
        List<SecretKeySpec> keys = new ArrayList<>();
        for (String k : previousKeys) {
            keys.add(parse(k, "fnscope.alerts.previous-secret-keys"));
        }
        if (key == null && !keys.isEmpty()) {
            throw new IllegalArgumentException("fnscope.alerts.previous-secret-keys is set without"
                    + " fnscope.alerts.secret-key: rotation needs the new key");
        }
        previous = List.copyOf(keys);
    }

    private static SecretKeySpec parse(String base64Key, String setting) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " is not base64 (make one with: openssl rand -base64 32)");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException(setting + " must be 32 bytes (base64 of 32 random bytes: openssl rand"
                    + " -base64 32), got " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
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

    /**
     * The plain value of what {@link #seal} stored, with the current key or a previous one; a value stored without
     * encryption comes back as it is.
     */
    String open(String stored, String tenant, String id) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        if (key == null) {
            throw new IllegalStateException("channel " + id + " was stored encrypted; set fnscope.alerts.secret-key to"
                    + " the key it was stored with");
        }
        String plain = openWith(key, stored, tenant, id);
        for (int i = 0; plain == null && i < previous.size(); i++) {
            plain = openWith(previous.get(i), stored, tenant, id);
        }
        if (plain == null) {
            throw new IllegalStateException("channel " + id + " cannot be decrypted with fnscope.alerts.secret-key"
                    + (previous.isEmpty() ? "" : " or a previous key") + " (another key, or the value was altered)");
        }
        return plain;
    }

    /**
     * Whether {@code stored} is as {@link #seal} would store it now: sealed with the current key, or null. A value
     * sealed with a previous key, or stored in plain text while a key is set, is not.
     */
    boolean current(String stored, String tenant, String id) {
        if (stored == null) {
            return true;
        }
        if (key == null) {
            return !stored.startsWith(PREFIX);
        }
        return stored.startsWith(PREFIX) && openWith(key, stored, tenant, id) != null;
    }

    private static String openWith(SecretKeySpec k, String stored, String tenant, String id) {
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(aad(tenant, id));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null; // not this key's, or altered
        }
    }

    private static byte[] aad(String tenant, String id) {
        return (tenant + "\n" + id).getBytes(StandardCharsets.UTF_8);
    }
}
