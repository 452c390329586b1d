package io.fnscope.query.alerts.channel;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The signature of a webhook delivery: {@code X-Fnscope-Signature: sha256=<lowercase hex HMAC-SHA256(secret, body)>},
 * computed over the exact body bytes sent (the same scheme GitHub uses, so receivers have code for it). A receiver
 * must verify against the raw bytes it read, before parsing: re-serialised JSON differs byte for byte.
 *
 * <p>The body carries the alert's {@code at} but nothing per delivery, so a captured request can be replayed;
 * receivers that care de-duplicate on {@code X-Fnscope-Delivery}.
 */
public final class WebhookSignature {
    /** Header carrying the signature. */
    public static final String HEADER = "X-Fnscope-Signature";
    /** The signature's prefix, naming the algorithm. */
    public static final String PREFIX = "sha256=";

    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {
    }

    /** The header value for {@code body} signed with {@code secret} (UTF-8 bytes of the secret are the key). */
    public static String sign(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    /**
     * Whether {@code header} is the signature of {@code body} under {@code secret}; false for a missing or malformed
     * header. Compares in constant time, so the comparison does not leak how much of a guess was right.
     */
    public static boolean verify(String secret, byte[] body, String header) {
        if (secret == null || body == null || header == null || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, body), given);
    }

    private static byte[] hmac(String secret, byte[] body) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a webhook signature needs a non-empty secret");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every JDK has HmacSHA256 and accepts any non-empty key; the message must not carry the key.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
