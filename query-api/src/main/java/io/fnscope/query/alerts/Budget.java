package io.fnscope.query.alerts;

import io.fnscope.query.BadRequestException;
import io.micronaut.core.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;

/**
 * A spending limit: {@code amountUsd} per day, week (from Monday) or month, in a time zone, over a scope. The
 * evaluator notifies once per period for each threshold (percent of the amount) the actual spend crosses, and once
 * for each forecast threshold the projection to the period's end crosses.
 *
 * @param id                 assigned by the API
 * @param name               the user's label
 * @param scope              what is counted
 * @param period             day, week or month
 * @param timeZone           where periods start (IANA name); UTC by default
 * @param amountUsd          the budget, USD, more than 0
 * @param thresholds         percents of the amount on actual spend; 50, 80 and 100 by default
 * @param forecastThresholds percents of the amount on forecast spend; 100 by default; empty for none
 * @param channels           ids of the channels to notify
 * @param mutedUntil         no notification before this instant (crossings are notified after it if still true)
 * @param updated            last write
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Budget(String id, String name, Scope scope, String period, String timeZone, BigDecimal amountUsd,
                     List<Integer> thresholds, List<Integer> forecastThresholds, List<String> channels,
                     @Nullable Instant mutedUntil, @Nullable Instant updated) {

    public Budget {
        name = name == null || name.isBlank() ? "budget" : name.strip();
        scope = scope == null ? Scope.TENANT : scope;
        period = period == null ? "month" : period.trim().toLowerCase(Locale.ROOT);
        if (!List.of("day", "week", "month").contains(period)) {
            throw new BadRequestException("period: expected day, week or month, got '" + period + "'");
        }
        timeZone = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone.trim();
        try {
            ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new BadRequestException("timeZone: '" + timeZone + "' is not a time zone (e.g. UTC, Europe/Paris)");
        }
        if (amountUsd == null || amountUsd.signum() <= 0) {
            throw new BadRequestException("amountUsd: a budget needs an amount above 0 (USD)");
        }
        thresholds = percents("thresholds", thresholds, List.of(50, 80, 100));
        forecastThresholds = percents("forecastThresholds", forecastThresholds, List.of(100));
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    private static List<Integer> percents(String field, List<Integer> given, List<Integer> defaults) {
        if (given == null) {
            return defaults;
        }
        for (Integer p : given) {
            if (p == null || p <= 0 || p > 1000) {
                throw new BadRequestException(field + ": each threshold is a percent from 1 to 1000, got " + p);
            }
        }
        return given.stream().distinct().sorted().toList();
    }

    Budget withIdentity(String id, Instant updated) {
        return new Budget(id, name, scope, period, timeZone, amountUsd, thresholds, forecastThresholds, channels,
                mutedUntil, updated);
    }

    /** The period that holds {@code at}: [start, end). */
    Window periodAt(Instant at) {
        ZonedDateTime t = at.atZone(ZoneId.of(timeZone)).toLocalDate().atStartOfDay(ZoneId.of(timeZone));
        ZonedDateTime start = switch (period) {
            case "day" -> t;
            case "week" -> t.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            default -> t.withDayOfMonth(1);
        };
        ZonedDateTime end = switch (period) {
            case "day" -> start.plusDays(1);
            case "week" -> start.plusWeeks(1);
            default -> start.plusMonths(1);
        };
        return new Window(start.toInstant(), end.toInstant());
    }

    /** A half-open interval of time. */
    record Window(Instant start, Instant end) {
    }
}
