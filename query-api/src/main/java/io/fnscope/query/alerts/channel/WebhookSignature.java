package io.fnscope.query.alerts.channel;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The signatures of a webhook delivery, both over the exact body bytes sent (a receiver must verify against the raw
 * bytes it read, before parsing: re-serialised JSON differs byte for byte):
 * <ul>
 *   <li>{@code X-Fnscope-Signature: sha256=<lowercase hex HMAC-SHA256(secret, body)>}, the scheme GitHub uses, so
 *   receivers have code for it. It signs nothing per attempt, so a captured request verifies forever;</li>
 *   <li>{@code X-Fnscope-Timestamped-Signature: t=<epoch seconds>,v1=<lowercase hex HMAC-SHA256(secret,
 *   "<t>." + body)>}, the scheme Stripe uses: a receiver that also refuses a {@code t} too far from its clock
 *   (five minutes is usual) refuses a replay after that, and {@code X-Fnscope-Delivery} ids tell repeats within it.
 *   {@code t} is each attempt's time, so a retry is signed afresh.</li>
 * </ul>
 */
public final class WebhookSignature {
    /** Header carrying the signature. */
    public static final String HEADER = "X-Fnscope-Signature";
    /** The signature's prefix, naming the algorithm. */
    public static final String PREFIX = "sha256=";
    /** Header carrying the signature over the attempt's time and the body. */
    public static final String TIMESTAMPED_HEADER = "X-Fnscope-Timestamped-Signature";

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

    /** The {@value #TIMESTAMPED_HEADER} value for {@code body} sent at {@code epochSeconds}. */
    public static String signTimestamped(String secret, long epochSeconds, byte[] body) {
        return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, timestamped(epochSeconds, body)));
    }

    /**
     * Whether {@code header} ({@value #TIMESTAMPED_HEADER}) signs {@code body} under {@code secret} with a time no
     * further than {@code tolerance} from {@code now}; false for a missing or malformed header. What a receiver
     * does, in Java.
     */
    public static boolean verifyTimestamped(String secret, byte[] body, String header, Instant now,
                                            Duration tolerance) {
        if (secret == null || body == null || header == null) {
            return false;
        }
        String[] parts = header.split(",", -1);
        if (parts.length != 2 || !parts[0].startsWith("t=") || !parts[1].startsWith("v1=")) {
            return false;
        }
        long t;
        byte[] given;
        try {
            t = Long.parseLong(parts[0].substring(2));
            given = HexFormat.of().parseHex(parts[1].substring(3));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, timestamped(t, body)), given);
    }

    private static byte[] timestamped(long epochSeconds, byte[] body) {
        byte[] prefix = (epochSeconds + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
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
