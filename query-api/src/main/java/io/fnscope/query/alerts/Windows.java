package io.fnscope.query.alerts;

import io.fnscope.query.BadRequestException;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them in budgets and rules: {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}, or ISO-8601. */
final class Windows {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

    private Windows() {
    }

    static Duration parse(String field, String text, Duration min, Duration max) {
        if (text == null || text.isBlank()) {
            throw new BadRequestException(field + " is required (e.g. 5m, 1h)");
        }
        Duration d;
        Matcher m = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(text.trim());
            } catch (RuntimeException e) {
                throw new BadRequestException(field + ": '" + text + "' is not a duration; write 30s, 5m, 1h or 1d");
            }
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new BadRequestException(field + ": " + format(d) + " is outside " + format(min) + " to "
                    + format(max));
        }
        return d;
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
