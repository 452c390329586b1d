package io.fnscope.clickhouse.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Turns Java values into the text ClickHouse parses for a {@code {name:Type}} query parameter. Both transports send
 * exactly this text: chDB through {@code chdb_query_with_params_n}, the server as {@code param_<name>} on the HTTP
 * request. The value never becomes part of the SQL, so no value can change the statement; what this class gets
 * right is that the value arrives unchanged.
 *
 * <p>ClickHouse reads a parameter with its <em>escaped-text</em> (TSV field) parser and insists on consuming all of
 * it (code 457 BAD_QUERY_PARAMETER otherwise). So:
 * <ul>
 *   <li>a top-level string is TSV-escaped: backslash, tab, newline, carriage return, NUL, backspace and form feed
 *   become {@code \\ \t \n \r \0 \b \f}; a quote needs nothing ({@code it's} binds as {@code it's});</li>
 *   <li>null is {@code \N} and needs a {@code Nullable(T)} placeholder;</li>
 *   <li>inside Array, Map and Tuple values, elements are SQL-quoted ({@code ['a\'b', 'c']}) and the whole value is
 *   not escaped again (measured: one level of unescaping applies);</li>
 *   <li>an {@link Instant} is decimal epoch seconds ({@code 1704164645.123456789}), which DateTime64(p) of any
 *   precision reads exactly and independently of time zones, with at least 5 digits before the point
 *   ({@code 00000} for the epoch); inside an array it is quoted;</li>
 *   <li>booleans are {@code true}/{@code false}; doubles never use exponent notation; NaN and infinities are
 *   {@code nan}, {@code inf}, {@code -inf}.</li>
 * </ul>
 */
public final class ParameterText {
    private static final DateTimeFormatter LOCAL_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS");

    private ParameterText() {
    }

    /** Text for each value of {@code params}, in order. */
    public static Map<String, String> formatAll(Map<String, ?> params) {
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((name, value) -> {
            Identifiers.requireIdentifier(name, "query parameter name");
            out.put(name, format(value));
        });
        return out;
    }

    /** The parameter text of one value. */
    public static String format(Object value) {
        if (value == null) {
            return "\\N";
        }
        if (isComposite(value)) {
            StringBuilder sb = new StringBuilder();
            nested(sb, value);
            return sb.toString();
        }
        String scalar = scalar(value);
        return value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>
                ? escapeTsv(scalar) : scalar;
    }

    private static boolean isComposite(Object v) {
        return v instanceof Collection<?> || v instanceof Map<?, ?> || v instanceof Object[]
                || v.getClass().isArray() && !(v instanceof byte[]);
    }

    /** The unescaped text of a scalar. */
    private static String scalar(Object v) {
        return switch (v) {
            case CharSequence s -> s.toString();
            case Character c -> c.toString();
            case Enum<?> e -> e.name();
            case Boolean b -> b ? "true" : "false";
            case Byte b -> b.toString();
            case Short s -> s.toString();
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case BigInteger b -> b.toString();
            case BigDecimal d -> d.toPlainString();
            case Float f -> floating(f.doubleValue(), Float.toString(f));
            case Double d -> floating(d, Double.toString(d));
            case Instant t -> epochSeconds(t);
            case LocalDate d -> d.toString();
            case LocalDateTime t -> LOCAL_DATE_TIME.format(t);
            case UUID u -> u.toString();
            case byte[] b -> throw new IllegalArgumentException(
                    "byte[] parameters are not supported: bind hex text and unhex({p:String}) in SQL");
            default -> throw new IllegalArgumentException("cannot bind a " + v.getClass().getName()
                    + " as a ClickHouse query parameter; supported: String, numbers, Boolean, Instant, LocalDate,"
                    + " LocalDateTime, UUID, enums, arrays/collections and maps of those, null");
        };
    }

    private static String floating(double d, String javaText) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return javaText.indexOf('E') >= 0 ? new BigDecimal(javaText).toPlainString() : javaText;
    }

    /** Decimal epoch seconds, trailing fractional zeros dropped. */
    static String epochSeconds(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < 0) {
            // Before 1970, for completeness: ClickHouse reads "-0.5" as 0.5, the one second it gets wrong.
            BigDecimal s = BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(t.getNano(), 9));
            return t.getNano() == 0 ? Long.toString(seconds) : s.stripTrailingZeros().toPlainString();
        }
        // ClickHouse does not read a number with 1-4 digits before the point as a Unix time ("0", "1000.5": "cannot be
        // parsed as DateTime64"), so the first 10,000 seconds of 1970 are padded to 5 digits, which it does read.
        String whole = seconds < 10_000 ? String.format(Locale.ROOT, "%05d", seconds) : Long.toString(seconds);
        if (t.getNano() == 0) {
            return whole;
        }
        String fraction = String.format(Locale.ROOT, "%09d", t.getNano());
        int end = fraction.length();
        while (fraction.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + fraction.substring(0, end);
    }

    private static void nested(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("NULL");
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                nested(sb, e.getKey());
                sb.append(':');
                nested(sb, e.getValue());
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            Iterator<?> it = c.iterator();
            while (it.hasNext()) {
                nested(sb, it.next());
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            sb.append(']');
        } else if (v.getClass().isArray() && !(v instanceof byte[])) {
            sb.append('[');
            int n = java.lang.reflect.Array.getLength(v);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                nested(sb, java.lang.reflect.Array.get(v, i));
            }
            sb.append(']');
        } else if (v instanceof CharSequence || v instanceof Character || v instanceof Enum<?> || v instanceof Instant
                || v instanceof LocalDate || v instanceof LocalDateTime || v instanceof UUID) {
            quote(sb, scalar(v));
        } else {
            sb.append(scalar(v));
        }
    }

    /** A SQL string literal: {@code 'it\'s'}, control characters escaped. */
    public static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(sb, s);
        return sb.toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\'' -> sb.append("\\'");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\0' -> sb.append("\\0");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append(c);
            }
        }
        sb.append('\'');
    }

    private static String escapeTsv(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                case '\r' -> "\\r";
                case '\0' -> "\\0";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                default -> null;
            };
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }
}
