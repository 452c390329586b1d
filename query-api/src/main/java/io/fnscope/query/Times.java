package io.fnscope.query;

import java.time.Instant;

/**
 * The one time convention of every answer: instants as ISO-8601 UTC strings with up to nanosecond precision
 * ({@code 2026-11-23T10:00:00.123456789Z}, trailing zero groups dropped), durations as milliseconds in JSON numbers
 * ({@code 12.345678}: exact to the nanosecond).
 */
final class Times {
    private Times() {
    }

    static String iso(long epochNanos) {
        return TimeRange.ofNanos(epochNanos).toString();
    }

    static String iso(Instant t) {
        return t.toString();
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
