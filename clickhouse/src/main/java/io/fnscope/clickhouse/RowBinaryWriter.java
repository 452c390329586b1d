package io.fnscope.clickhouse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes values in ClickHouse's RowBinary encoding (little-endian, LEB128 lengths) to an {@link OutputStream}.
 * One method per wire shape; the caller writes each row's columns in the order of the insert's column list:
 *
 * <pre>{@code
 * out.string(tenant);                 // String and LowCardinality(String): the same bytes on the wire
 * out.fixedString(traceId, 16);       // FixedString(16)
 * out.dateTime64Nanos(startNanos);    // DateTime64(9): Int64 ticks since the epoch
 * out.uint64(durationNanos);          // UInt64
 * out.stringMap(attributes);          // Map(String, String) / Map(LowCardinality(String), String)
 * out.nullableString(maybeNull);      // Nullable(String)
 * }</pre>
 *
 * <p>Why our own and not client-v2's {@code RowBinaryFormatWriter}: that one needs a {@code TableSchema} of parsed
 * {@code ClickHouseColumn}s, boxes every value into a per-row {@code Object[]} and chooses the encoding from the
 * Java type at run time. Telemetry rows are written millions at a time from fields whose types are known when the
 * code is written, so typed calls into one buffer are simpler and several times less garbage. Its output is the
 * same RowBinary, decoded by the same engine (tests read every shape back through both transports).
 *
 * <p>Not thread-safe. {@link #flush()} pushes the internal buffer to the stream; transports call it.
 */
public final class RowBinaryWriter {
    private static final int BUFFER = 64 * 1024;

    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private long written;

    public RowBinaryWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    // ---- integers -------------------------------------------------------------------------------------------

    /** UInt8 (0..255), also Enum8 codes via {@link #enum8(int)}. */
    public RowBinaryWriter uint8(int v) throws IOException {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("UInt8 out of range: " + v);
        }
        return int8Unchecked(v);
    }

    public RowBinaryWriter int8(int v) throws IOException {
        if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("Int8 out of range: " + v);
        }
        return int8Unchecked(v);
    }

    public RowBinaryWriter uint16(int v) throws IOException {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("UInt16 out of range: " + v);
        }
        return le(v, 2);
    }

    public RowBinaryWriter int16(int v) throws IOException {
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            throw new IllegalArgumentException("Int16 out of range: " + v);
        }
        return le(v, 2);
    }

    public RowBinaryWriter uint32(long v) throws IOException {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("UInt32 out of range: " + v);
        }
        return le(v, 4);
    }

    public RowBinaryWriter int32(int v) throws IOException {
        return le(v, 4);
    }

    /** UInt64 from the 64 bits of {@code v} (values above {@link Long#MAX_VALUE} arrive as negative longs). */
    public RowBinaryWriter uint64(long v) throws IOException {
        return le(v, 8);
    }

    public RowBinaryWriter int64(long v) throws IOException {
        return le(v, 8);
    }

    public RowBinaryWriter float32(float v) throws IOException {
        return le(Float.floatToRawIntBits(v), 4);
    }

    public RowBinaryWriter float64(double v) throws IOException {
        return le(Double.doubleToRawLongBits(v), 8);
    }

    public RowBinaryWriter bool(boolean v) throws IOException {
        return int8Unchecked(v ? 1 : 0);
    }

    /** Enum8: the numeric code of the value, as declared in the column type. */
    public RowBinaryWriter enum8(int code) throws IOException {
        return int8(code);
    }

    // ---- time -----------------------------------------------------------------------------------------------

    /** DateTime64(9): nanoseconds since the epoch. */
    public RowBinaryWriter dateTime64Nanos(long epochNanos) throws IOException {
        return le(epochNanos, 8);
    }

    /** DateTime64(precision) from an Instant (truncated to the precision). */
    public RowBinaryWriter dateTime64(Instant t, int precision) throws IOException {
        if (precision < 0 || precision > 9) {
            throw new IllegalArgumentException("DateTime64 precision must be 0..9: " + precision);
        }
        long scale = 1;
        for (int i = 0; i < precision; i++) {
            scale *= 10;
        }
        long ticks = Math.addExact(Math.multiplyExact(t.getEpochSecond(), scale), t.getNano() / (1_000_000_000L / scale));
        return le(ticks, 8);
    }

    /** DateTime: seconds since the epoch as UInt32. */
    public RowBinaryWriter dateTime(long epochSeconds) throws IOException {
        return uint32(epochSeconds);
    }

    /** Date: days since 1970-01-01 as UInt16. */
    public RowBinaryWriter date(LocalDate d) throws IOException {
        return uint16(Math.toIntExact(d.toEpochDay()));
    }

    // ---- strings ----------------------------------------------------------------------------------------------

    /** String and LowCardinality(String): LEB128 byte length, then UTF-8 bytes. */
    public RowBinaryWriter string(String s) throws IOException {
        Objects.requireNonNull(s, "a String column cannot hold null; use nullableString for Nullable(String)");
        int n = s.length();
        boolean ascii = n <= BUFFER;
        for (int i = 0; ascii && i < n; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        if (!ascii) {
            return string(s.getBytes(StandardCharsets.UTF_8));
        }
        varint(n);
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
        written += n;
        return this;
    }

    /** String from raw bytes (a String column may hold any bytes). */
    public RowBinaryWriter string(byte[] bytes) throws IOException {
        varint(bytes.length);
        return raw(bytes, 0, bytes.length);
    }

    /** FixedString(n): exactly n bytes, zero-padded; longer input is refused rather than cut. */
    public RowBinaryWriter fixedString(byte[] bytes, int n) throws IOException {
        if (bytes.length > n) {
            throw new IllegalArgumentException("FixedString(" + n + ") cannot hold " + bytes.length + " bytes");
        }
        raw(bytes, 0, bytes.length);
        for (int i = bytes.length; i < n; i++) {
            int8Unchecked(0);
        }
        return this;
    }

    public RowBinaryWriter uuid(UUID u) throws IOException {
        // ClickHouse keeps a UUID as two UInt64 halves, most significant first, each little-endian.
        le(u.getMostSignificantBits(), 8);
        return le(u.getLeastSignificantBits(), 8);
    }

    // ---- Nullable, Array, Map ---------------------------------------------------------------------------------

    /** Nullable(T) holding NULL: the marker byte 1 and nothing else. */
    public RowBinaryWriter nullValue() throws IOException {
        return int8Unchecked(1);
    }

    /** Nullable(T) holding a value: the marker byte 0; write the value next. */
    public RowBinaryWriter notNull() throws IOException {
        return int8Unchecked(0);
    }

    public RowBinaryWriter nullableString(String s) throws IOException {
        return s == null ? nullValue() : notNull().string(s);
    }

    /** Array(T): the element count; write the elements next. */
    public RowBinaryWriter arrayLength(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("negative array length " + n);
        }
        return varint(n);
    }

    /** Array(String) / Array(LowCardinality(String)). */
    public RowBinaryWriter stringArray(Collection<String> values) throws IOException {
        arrayLength(values.size());
        for (String v : values) {
            string(v);
        }
        return this;
    }

    /** Map(K, V): the entry count; write key, value, key, value... next. */
    public RowBinaryWriter mapSize(int n) throws IOException {
        return arrayLength(n);
    }

    /** Map(String, String) / Map(LowCardinality(String), String). */
    public RowBinaryWriter stringMap(Map<String, String> map) throws IOException {
        mapSize(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            string(e.getKey());
            string(e.getValue());
        }
        return this;
    }

    // ---- raw --------------------------------------------------------------------------------------------------

    /** LEB128 unsigned, as ClickHouse writes lengths. */
    public RowBinaryWriter varint(long v) throws IOException {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
            written++;
        }
        buf[pos++] = (byte) v;
        written++;
        return this;
    }

    /** Bytes already in RowBinary. */
    public RowBinaryWriter raw(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - pos) {
            flushBuffer();
            if (len > buf.length) {
                out.write(b, off, len);
                written += len;
                return this;
            }
        }
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
        written += len;
        return this;
    }

    /** Bytes written so far (including those still buffered). */
    public long bytesWritten() {
        return written;
    }

    /** Pushes buffered bytes to the stream and flushes it. */
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    private RowBinaryWriter int8Unchecked(int v) throws IOException {
        ensure(1);
        buf[pos++] = (byte) v;
        written++;
        return this;
    }

    private RowBinaryWriter le(long v, int bytes) throws IOException {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[pos++] = (byte) v;
            v >>>= 8;
        }
        written += bytes;
        return this;
    }

    private void ensure(int n) throws IOException {
        if (buf.length - pos < n) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }
}
