package io.fnscope.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Where the next page of a trace search starts: opaque to clients (base64url), but plain data inside: the search's
 * time range (so "the last hour" does not move between pages), the last hit's sort key (first matching span's start,
 * trace id) and a fingerprint of the filters, so a cursor replayed with other filters is refused rather than
 * silently paging through a different result.
 *
 * <p>Layout: version (1 byte) · filters fingerprint (8) · from ns (8) · to ns (8) · last first-match ns (8) · last
 * trace id (16) = 49 bytes, 66 characters.
 */
record Cursor(long fingerprint, long fromNs, long toNs, long lastNs, String lastTraceId) {
    private static final byte VERSION = 1;
    private static final int LENGTH = 1 + 8 + 8 + 8 + 8 + 16;

    String encode() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(VERSION).putLong(fingerprint).putLong(fromNs).putLong(toNs).putLong(lastNs)
                .put(HexFormat.of().parseHex(lastTraceId));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    static Cursor decode(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != LENGTH || bytes[0] != VERSION) {
            throw new BadRequestException("parameter 'cursor' is not a cursor this API returned; repeat the search"
                    + " without it and use the nextCursor of its answer");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, LENGTH - 1);
        long fingerprint = b.getLong();
        long from = b.getLong();
        long to = b.getLong();
        long last = b.getLong();
        byte[] trace = new byte[16];
        b.get(trace);
        return new Cursor(fingerprint, from, to, last, HexFormat.of().formatHex(trace));
    }

    /** 64 bits of SHA-256 over a canonical text of the filters. */
    static long fingerprint(String canonicalFilters) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonicalFilters.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
