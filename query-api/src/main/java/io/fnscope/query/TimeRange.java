package io.fnscope.query;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The {@code [from, to)} a request asks about. Both ends are UTC epoch milliseconds ({@code 1763892000000}) or
 * ISO-8601 instants ({@code 2026-11-23T10:00:00Z}, {@code 2026-11-23T11:00:00+01:00}). Missing ends default to the
 * last {@code fnscope.query.default-range}: no {@code to} means now, no {@code from} means {@code to} minus the
 * default range.
 */
public record TimeRange(Instant from, Instant to) {

    public TimeRange {
        if (from.isAfter(to)) {
            throw new BadRequestException("from (" + from + ") is after to (" + to + "); swap them");
        }
    }

    /**
     * @param maxRange    the longest range allowed
     * @param maxRangeKey the configuration key of that bound, for the message
     */
    public static TimeRange parse(String from, String to, Instant now, Duration defaultRange, Duration maxRange,
                           String maxRangeKey) {
        Instant t = to == null || to.isBlank() ? now : instant("to", to);
        Instant f = from == null || from.isBlank() ? t.minus(defaultRange) : instant("from", from);
        TimeRange range = new TimeRange(f, t);
        if (range.length().compareTo(maxRange) > 0) {
            throw new BadRequestException("the time range from " + f + " to " + t + " is " + human(range.length())
                    + ", longer than " + maxRangeKey + " (" + human(maxRange) + "); ask for a shorter range");
        }
        return range;
    }

    Duration length() {
        return Duration.between(from, to);
    }

    long fromNanos() {
        return nanos(from);
    }

    long toNanos() {
        return nanos(to);
    }

    static Instant instant(String parameter, String value) {
        String v = value.trim();
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(v));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                // falls through to the message below
            }
        } else {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(v).toInstant();
                } catch (DateTimeParseException ignored) {
                    // falls through to the message below
                }
            }
        }
        throw new BadRequestException("parameter '" + parameter + "' must be UTC epoch milliseconds (1763892000000)"
                + " or an ISO-8601 instant (2026-11-23T10:00:00Z), got '" + value + "'");
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static Instant ofNanos(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    /** {@code 90s}, {@code 25m}, {@code 2h}, {@code 8d}, {@code 36h30m}: for messages. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0 && s > 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        if (s >= 3600) {
            return s / 3600 + "h" + (s % 3600) / 60 + "m";
        }
        return d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() + "ms";
    }
}
