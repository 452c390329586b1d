package io.fnscope.writer;

import com.google.protobuf.ByteString;


/** Trace and span ids: validation, hex, and the X-Ray trace header's root id. */
final class Ids {
    static final int TRACE_ID_BYTES = 16;
    static final int SPAN_ID_BYTES = 8;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /**
     * Writes an id as FixedString(n): exactly n bytes, or n zero bytes for an empty id. {@code scratch} holds at
     * least n bytes (saves an array per id).
     *
     * @throws IllegalArgumentException when the id has another length (the collector lets none through; a record
     *                                  that has one is dead-lettered)
     */
    static void write(Bytes out, ByteString id, int n, String what, byte[] scratch) {
        int size = id.size();
        if (size == 0) {
            out.zeros(n);
        } else if (size == n) {
            id.copyTo(scratch, 0);
            out.raw(scratch, 0, n);
        } else {
            throw new IllegalArgumentException(what + " has " + size + " bytes; OTLP ids have " + n);
        }
    }

    /** Writes an id held in a byte array of n bytes (null: zeros). */
    static void write(Bytes out, byte[] id, int n) {
        if (id == null) {
            out.zeros(n);
        } else if (id.length == n) {
            out.raw(id);
        } else {
            throw new IllegalArgumentException("an id of " + id.length + " bytes where " + n + " are expected");
        }
    }

    /** An 8-byte span id as a long (big-endian), 0 when empty. */
    static long spanIdLong(ByteString id) {
        if (id.size() != SPAN_ID_BYTES) {
            return 0;
        }
        long v = 0;
        for (int i = 0; i < SPAN_ID_BYTES; i++) {
            v = (v << 8) | (id.byteAt(i) & 0xFF);
        }
        return v;
    }

    static String hex(ByteString id) {
        char[] c = new char[id.size() * 2];
        for (int i = 0; i < id.size(); i++) {
            int b = id.byteAt(i) & 0xFF;
            c[2 * i] = HEX[b >>> 4];
            c[2 * i + 1] = HEX[b & 0xF];
        }
        return new String(c);
    }

    /**
     * The trace id in an X-Ray trace header ({@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=...;Sampled=1}):
     * the 8 hex digits of the epoch and the 24 of the random part are the 16 bytes of the W3C/OTel trace id that
     * the OTel X-Ray propagator uses. Null when the header has no well-formed root.
     */
    static byte[] xrayTraceId(String header) {
        if (header == null) {
            return null;
        }
        int root = header.indexOf("Root=");
        if (root < 0) {
            return null;
        }
        int p = root + 5;
        // Root=1-<8 hex digits: epoch seconds>-<24 hex digits>: 35 characters, the 32 digits are the trace id.
        if (header.length() < p + 35 || header.charAt(p) != '1' || header.charAt(p + 1) != '-'
                || header.charAt(p + 10) != '-') {
            return null;
        }
        byte[] id = new byte[TRACE_ID_BYTES];
        int out = 0;
        for (int i = p + 2; i < p + 35; i += 2) {
            if (i == p + 10) {
                i++;
            }
            int hi = Character.digit(header.charAt(i), 16);
            int lo = Character.digit(header.charAt(i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            id[out++] = (byte) ((hi << 4) | lo);
        }
        if (header.length() > p + 35 && header.charAt(p + 35) != ';') {
            return null;
        }
        return out == TRACE_ID_BYTES ? id : null;
    }
}
