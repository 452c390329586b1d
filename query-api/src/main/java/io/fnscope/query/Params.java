package io.fnscope.query;

import io.micronaut.http.HttpParameters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request's query parameters, read as text so that every malformed value is reported by the API's own message
 * (naming the parameter) rather than a framework's conversion error. Unknown parameters are refused: a typo such as
 * {@code servce=checkout} would otherwise silently widen a search.
 */
public final class Params {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h|d)?");

    private final Map<String, List<String>> values;

    Params(Map<String, List<String>> values) {
        this.values = values;
    }

    public static Params of(HttpParameters parameters) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String name : parameters.names()) {
            m.put(name, parameters.getAll(name));
        }
        return new Params(m);
    }

    /** Refuses parameters outside {@code known} and not starting with one of {@code prefixes}. */
    public Params allowOnly(Set<String> known, String... prefixes) {
        for (String name : values.keySet()) {
            boolean prefixed = false;
            for (String prefix : prefixes) {
                prefixed |= prefix != null && name.startsWith(prefix);
            }
            if (!known.contains(name) && !prefixed) {
                Set<String> all = new TreeSet<>(known);
                for (String prefix : prefixes) {
                    if (prefix != null) {
                        all.add(prefix + "<key>");
                    }
                }
                throw new BadRequestException("unknown parameter '" + name + "'; this endpoint takes " + all);
            }
        }
        return this;
    }

    /** The single value of a parameter, or null when absent; more than one value is refused. */
    public String get(String name) {
        List<String> v = values.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw new BadRequestException("parameter '" + name + "' is given " + v.size() + " times; give it once");
        }
        return v.getFirst();
    }

    Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : values.keySet()) {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), get(name));
            }
        }
        return out;
    }

    public int integer(String name, int defaultValue, int min, int max, String maxKey) {
        String v = get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException("parameter '" + name + "' must be a whole number, got '" + v + "'");
        }
        if (n < min) {
            throw new BadRequestException("parameter '" + name + "' must be at least " + min + ", got " + n);
        }
        if (n > max) {
            throw new BadRequestException("parameter '" + name + "' is " + n + ", more than " + maxKey + " (" + max
                    + "); ask for at most " + max);
        }
        return (int) n;
    }

    Boolean bool(String name) {
        String v = get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadRequestException("parameter '" + name + "' must be true or false, got '" + v + "'");
        };
    }

    /**
     * A duration: a number with a unit ({@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 500us},
     * {@code 100ns}) or ISO-8601 ({@code PT5M}); a bare number is in {@code bareUnit}.
     */
    Duration duration(String name, String bareUnit) {
        String v = get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        String t = v.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                throw badDuration(name, v);
            }
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw badDuration(name, v);
        }
        String unit = m.group(2) == null ? bareUnit : m.group(2);
        java.math.BigDecimal nanosPerUnit = java.math.BigDecimal.valueOf(switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 86_400_000_000_000L;
        });
        try {
            long nanos = new java.math.BigDecimal(m.group(1)).multiply(nanosPerUnit).longValueExact();
            return Duration.ofNanos(nanos);
        } catch (ArithmeticException e) {
            throw badDuration(name, v);
        }
    }

    private static BadRequestException badDuration(String name, String v) {
        return new BadRequestException("parameter '" + name + "' must be a duration such as 250ms, 1.5s, 5m, 1h or"
                + " PT5M, got '" + v + "'");
    }
}
