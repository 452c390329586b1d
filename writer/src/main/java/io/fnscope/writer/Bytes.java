package io.fnscope.writer;

import io.fnscope.clickhouse.RowBinaryWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array written the way ClickHouse's binary formats want values: little-endian numbers, LEB128
 * lengths, strings as length + UTF-8. One column's data (or one part of it: array offsets, map keys) of a
 * {@link TableBuffer}. It remembers one mark, so that the rows of a record that failed half-way can be cut off.
 */
final class Bytes {
    private byte[] buf = new byte[4096];
    private int size;
    private int mark;

    int size() {
        return size;
    }

    void mark() {
        mark = size;
    }

    void rollback() {
        size = mark;
    }

    void clear() {
        size = 0;
        mark = 0;
    }

    Bytes u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    Bytes u32(long v) {
        return le(v, 4);
    }

    Bytes i32(int v) {
        return le(v, 4);
    }

    Bytes u64(long v) {
        return le(v, 8);
    }

    Bytes f64(double v) {
        return le(Double.doubleToRawLongBits(v), 8);
    }

    Bytes zeros(int n) {
        ensure(n);
        Arrays.fill(buf, size, size + n, (byte) 0);
        size += n;
        return this;
    }

    Bytes varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    Bytes raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    Bytes raw(byte[] b) {
        return raw(b, 0, b.length);
    }

    /**
     * A String value: LEB128 byte length, UTF-8 bytes. ASCII, the usual case, is copied in one pass that also checks
     * it is ASCII; anything else is encoded again over what that pass wrote.
     */
    Bytes string(String s) {
        int n = s.length();
        if (n < 0x80) { // a one-byte length
            ensure(n + 1);
            int p = size + 1;
            int seen = 0;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                seen |= c;
                buf[p + i] = (byte) c;
            }
            if (seen < 0x80) {
                buf[size] = (byte) n;
                size = p + n;
                return this;
            }
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        return raw(b, 0, b.length);
    }

    /** Appends what another buffer holds (pre-encoded values). */
    Bytes append(Bytes other) {
        return raw(other.buf, 0, other.size);
    }

    /** A copy of the content, for values encoded once and appended many times. */
    byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }

    void writeTo(RowBinaryWriter out) throws IOException {
        out.raw(buf, 0, size);
    }

    private Bytes le(long v, int n) {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) v;
            v >>>= 8;
        }
        return this;
    }

    private void ensure(int n) {
        if (buf.length - size < n) {
            long cap = Math.max((long) buf.length * 2, (long) size + n);
            if (cap > Integer.MAX_VALUE - 16) {
                if ((long) size + n > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("a column buffer cannot exceed 2 GB; lower fnscope.writer.max-batch-bytes");
                }
                cap = Integer.MAX_VALUE - 16;
            }
            buf = Arrays.copyOf(buf, (int) cap);
        }
    }
}
