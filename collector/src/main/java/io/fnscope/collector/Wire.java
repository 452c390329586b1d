package io.fnscope.collector;

/**
 * A protobuf wire-format reader over a byte array that allocates nothing: the collector checks OTLP payloads
 * without building message objects, so that a valid request can go to Kafka as the very bytes that arrived.
 *
 * <p>It refuses what protobuf-java's parser refuses (truncated fields, malformed varints, invalid tags and wire
 * types, unbalanced groups, invalid UTF-8 in string fields), so a payload it passes also parses in the writer.
 * Errors are {@link InvalidTelemetryException}s with a message fit for the exporter.
 */
final class Wire {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int SGROUP = 3;
    static final int EGROUP = 4;
    static final int I32 = 5;

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    final byte[] buf;
    int pos;
    int limit;

    Wire(byte[] buf, int pos, int limit) {
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
    }

    boolean more() {
        return pos < limit;
    }

    /** Reads a tag; field number is {@code tag >>> 3}, wire type {@code tag & 7}. */
    int tag() {
        int tag = (int) varint();
        if ((tag >>> 3) == 0) {
            throw malformed("a field has number 0");
        }
        int type = tag & 7;
        if (type > I32) {
            throw malformed("a field has the invalid wire type " + type);
        }
        return tag;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw truncated();
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("a varint is longer than 10 bytes");
    }

    long fixed64() {
        if (limit - pos < 8) {
            throw truncated();
        }
        long v = (buf[pos] & 0xFFL) | (buf[pos + 1] & 0xFFL) << 8 | (buf[pos + 2] & 0xFFL) << 16
                | (buf[pos + 3] & 0xFFL) << 24 | (buf[pos + 4] & 0xFFL) << 32 | (buf[pos + 5] & 0xFFL) << 40
                | (buf[pos + 6] & 0xFFL) << 48 | (buf[pos + 7] & 0xFFL) << 56;
        pos += 8;
        return v;
    }

    /** Reads a length prefix and checks the field fits; returns the length, {@link #pos} at its first byte. */
    int length() {
        long len = varint();
        if (len < 0 || len > limit - pos) {
            throw len < 0 || len > Integer.MAX_VALUE ? malformed("a field has a negative length") : truncated();
        }
        return (int) len;
    }

    /**
     * Reads a length prefix and narrows the reader to that nested message (checked like {@link #length()});
     * returns the outer limit for {@link #leave}. Lets one reader walk nested messages without allocating.
     */
    int enter() {
        int len = length();
        int outer = limit;
        limit = pos + len;
        return outer;
    }

    /** Back to the enclosing message; the nested one must have been read to its end. */
    void leave(int outerLimit) {
        pos = limit;
        limit = outerLimit;
    }

    /** Skips the value of a field whose tag was just read (protobuf's skipField). */
    void skip(int tag) {
        skip(tag, 0);
    }

    private void skip(int tag, int depth) {
        switch (tag & 7) {
            case VARINT -> varint();
            case I64 -> advance(8);
            case LEN -> advance(length());
            case I32 -> advance(4);
            case SGROUP -> {
                if (depth > 100) {
                    throw malformed("groups nest deeper than 100 levels");
                }
                int end = (tag & ~7) | EGROUP;
                while (true) {
                    if (!more()) {
                        throw truncated();
                    }
                    int t = tag();
                    if (t == end) {
                        return;
                    }
                    if ((t & 7) == EGROUP) {
                        throw malformed("an end-group tag does not match its start-group tag");
                    }
                    skip(t, depth + 1);
                }
            }
            default -> throw malformed("an end-group tag has no start-group tag");
        }
    }

    void advance(int n) {
        if (n > limit - pos) {
            throw truncated();
        }
        pos += n;
    }

    /**
     * Reads a length-delimited string field, checks it is valid UTF-8 (as proto3 requires) and returns its length in
     * UTF-16 code units, the way Java and the OTel SDK count characters.
     */
    int string() {
        int len = length();
        int units = utf16Length(buf, pos, pos + len);
        if (units < 0) {
            throw malformed("a string field is not valid UTF-8");
        }
        pos += len;
        return units;
    }

    /**
     * Validates UTF-8 by the rules protobuf applies (no overlong forms, no surrogates, nothing above U+10FFFF) and
     * counts UTF-16 code units; -1 when invalid.
     */
    static int utf16Length(byte[] b, int from, int to) {
        int i = from;
        // ASCII fast path, eight bytes at a time: most attribute keys and values are ASCII.
        while (i + 8 <= to && ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0) {
            i += 8;
        }
        int units = i - from;
        while (i < to) {
            int c = b[i];
            if (c >= 0) {
                i++;
                units++;
                continue;
            }
            c &= 0xFF;
            if (c < 0xC2) {
                return -1;
            } else if (c < 0xE0) {
                if (i + 1 >= to || (b[i + 1] & 0xC0) != 0x80) {
                    return -1;
                }
                i += 2;
                units++;
            } else if (c < 0xF0) {
                if (i + 2 >= to) {
                    return -1;
                }
                int c1 = b[i + 1] & 0xFF;
                if ((c1 & 0xC0) != 0x80 || (b[i + 2] & 0xC0) != 0x80
                        || (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) {
                    return -1;
                }
                i += 3;
                units++;
            } else if (c < 0xF5) {
                if (i + 3 >= to) {
                    return -1;
                }
                int c1 = b[i + 1] & 0xFF;
                if ((c1 & 0xC0) != 0x80 || (b[i + 2] & 0xC0) != 0x80 || (b[i + 3] & 0xC0) != 0x80
                        || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) {
                    return -1;
                }
                i += 4;
                units += 2;
            } else {
                return -1;
            }
        }
        return units;
    }

    static boolean allZero(byte[] b, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    InvalidTelemetryException truncated() {
        return malformed("the message is truncated");
    }

    static InvalidTelemetryException malformed(String what) {
        return new InvalidTelemetryException(what);
    }

    // ---- writing ----

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static int putVarint(byte[] out, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            out[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }
}
