package io.fnscope.writer;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Writes OTLP attributes as ClickHouse {@code Map(LowCardinality(String), String)} columns, and their types as the
 * {@code *_types} maps, the way OpenTelemetry's "attribute values for non-OTLP formats" rules render them:
 *
 * <ul>
 *   <li>string: as is; bool: {@code true}/{@code false}; int: decimal ({@code -42});</li>
 *   <li>double: the shortest text that reads back to the same double ({@code 0.1}, {@code 1.0E21}), and
 *   {@code NaN}, {@code Infinity}, {@code -Infinity};</li>
 *   <li>bytes: base64 (RFC 4648, padded);</li>
 *   <li>array: a JSON array, kvlist: a JSON object, with the same rules inside (bytes as base64 strings; NaN and
 *   infinities as JSON strings, since JSON has no such numbers).</li>
 * </ul>
 *
 * Only non-string values appear in the types map ({@code int = 1 ... kvlist = 6}); a key missing from it is a
 * string (or an empty value). Query code turns a value back with {@code toInt64OrNull(attributes['k'])} and friends.
 *
 * <p>Not thread-safe: one instance per encoder, reusing its scratch buffers (no allocation for strings, bools and
 * ints).
 */
final class AttributeText {
    static final int TYPE_INT = 1;
    static final int TYPE_DOUBLE = 2;
    static final int TYPE_BOOL = 3;
    static final int TYPE_BYTES = 4;
    static final int TYPE_ARRAY = 5;
    static final int TYPE_KVLIST = 6;

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private final byte[] digits = new byte[20];
    private final StringBuilder json = new StringBuilder(256);

    /** Writes the attributes as one {@code Map(String, String)}. */
    void writeMap(NativeColumn.MapData map, List<KeyValue> attributes) {
        int n = attributes.size();
        for (int i = 0; i < n; i++) {
            KeyValue kv = attributes.get(i);
            map.keys.string(kv.getKey());
            writeValue(map.values, kv.getValue());
        }
        map.endMap(n);
    }

    /** Writes the types of the non-string attributes as one {@code Map(String, Enum8(...))}. */
    void writeTypes(NativeColumn.MapData map, List<KeyValue> attributes) {
        int n = attributes.size();
        int typed = 0;
        for (int i = 0; i < n; i++) {
            KeyValue kv = attributes.get(i);
            int t = typeOf(kv.getValue());
            if (t != 0) {
                map.keys.string(kv.getKey());
                map.values.u8(t);
                typed++;
            }
        }
        map.endMap(typed);
    }

    /** The type code of a value, 0 for strings and empty values. */
    static int typeOf(AnyValue v) {
        return switch (v.getValueCase()) {
            case INT_VALUE -> TYPE_INT;
            case DOUBLE_VALUE -> TYPE_DOUBLE;
            case BOOL_VALUE -> TYPE_BOOL;
            case BYTES_VALUE -> TYPE_BYTES;
            case ARRAY_VALUE -> TYPE_ARRAY;
            case KVLIST_VALUE -> TYPE_KVLIST;
            case STRING_VALUE, VALUE_NOT_SET, STRING_VALUE_STRINDEX -> 0;
        };
    }

    /** Writes one value as a String. */
    void writeValue(Bytes out, AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> out.string(v.getStringValue());
            case BOOL_VALUE -> {
                byte[] b = v.getBoolValue() ? TRUE : FALSE;
                out.varint(b.length).raw(b, 0, b.length);
            }
            case INT_VALUE -> {
                int start = decimal(v.getIntValue());
                out.varint(digits.length - start).raw(digits, start, digits.length - start);
            }
            case DOUBLE_VALUE -> out.string(Double.toString(v.getDoubleValue()));
            case BYTES_VALUE -> out.string(base64(v.getBytesValue()));
            case ARRAY_VALUE, KVLIST_VALUE -> {
                json.setLength(0);
                appendJson(v);
                out.string(json.toString());
            }
            // string_value_strindex points into a profile's string table; outside profiles it has no text.
            case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> out.varint(0);
        }
    }

    /** The value as text (log bodies and tests); allocates. */
    String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BYTES_VALUE -> base64(v.getBytesValue());
            case ARRAY_VALUE, KVLIST_VALUE -> {
                json.setLength(0);
                appendJson(v);
                yield json.toString();
            }
            case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> "";
        };
    }

    /** Writes {@code v} into {@link #digits}, right-aligned; returns where it starts. */
    private int decimal(long v) {
        int pos = digits.length;
        if (v == Long.MIN_VALUE) {
            byte[] min = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, digits, 0, min.length);
            return 0;
        }
        boolean negative = v < 0;
        long x = negative ? -v : v;
        do {
            digits[--pos] = (byte) ('0' + (x % 10));
            x /= 10;
        } while (x != 0);
        if (negative) {
            digits[--pos] = '-';
        }
        return pos;
    }

    private static String base64(ByteString b) {
        return Base64.getEncoder().encodeToString(b.toByteArray());
    }

    private void appendJson(AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> appendJsonString(v.getStringValue());
            case BOOL_VALUE -> json.append(v.getBoolValue());
            case INT_VALUE -> json.append(v.getIntValue());
            case DOUBLE_VALUE -> {
                double d = v.getDoubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    json.append('"').append(d).append('"');
                } else {
                    json.append(d);
                }
            }
            case BYTES_VALUE -> json.append('"').append(base64(v.getBytesValue())).append('"');
            case ARRAY_VALUE -> {
                ArrayValue a = v.getArrayValue();
                json.append('[');
                for (int i = 0; i < a.getValuesCount(); i++) {
                    if (i > 0) {
                        json.append(',');
                    }
                    appendJson(a.getValues(i));
                }
                json.append(']');
            }
            case KVLIST_VALUE -> {
                KeyValueList l = v.getKvlistValue();
                json.append('{');
                for (int i = 0; i < l.getValuesCount(); i++) {
                    if (i > 0) {
                        json.append(',');
                    }
                    KeyValue kv = l.getValues(i);
                    appendJsonString(kv.getKey());
                    json.append(':');
                    appendJson(kv.getValue());
                }
                json.append('}');
            }
            case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> json.append("null");
        }
    }

    private void appendJsonString(String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u00");
                        json.append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
