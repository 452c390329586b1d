package io.fnscope.query.alerts;

import io.fnscope.query.BadRequestException;
import io.micronaut.core.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A condition on a scope that fires and resolves. One flat shape for every type (the fields a type does not use stay
 * null); the compact constructor fills each type's defaults and rejects what does not make sense, naming the field.
 *
 * <ul>
 *   <li>{@code error-rate}: errors / invocations over {@code window} (default 5m) at or above {@code threshold}
 *   (a fraction, default 0.05), given at least {@code minInvocations} (default 20).</li>
 *   <li>{@code error-budget-burn}: the SLO burn rate (error rate / (1 - {@code sloTarget})) at or above
 *   {@code burnRate} (default 14.4) over both {@code longWindow} (1h) and {@code shortWindow} (5m): the multi-window
 *   rule of the Google SRE workbook.</li>
 *   <li>{@code cold-start-rate}: cold starts / invocations over {@code window} at or above {@code threshold}
 *   (default 0.1).</li>
 *   <li>{@code p95-duration}: the p95 duration (ms) of the slowest function in scope over {@code window} at or above
 *   {@code threshold}.</li>
 *   <li>{@code runaway-cost}: {@code metric} (invocations or cost) per minute over {@code window} (default 5m) at
 *   least {@code factor} (default 10) times its rate over the {@code baselineWindow} (default 1h) before, and at
 *   least {@code floorPerMinute} (default 100 invocations or $0.01): the hot loop and the faulty scaling.</li>
 *   <li>{@code recursive-loop}: a transaction within {@code window} (default 15m) in which one function is invoked
 *   more than {@code maxRepeats} times (default 3) through a queue or bus cycle.</li>
 * </ul>
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Rule(String id, String name, String type, Scope scope,
                   @Nullable String window, @Nullable Double threshold, @Nullable Integer minInvocations,
                   @Nullable Double sloTarget, @Nullable String longWindow, @Nullable String shortWindow,
                   @Nullable Double burnRate,
                   @Nullable String metric, @Nullable String baselineWindow, @Nullable Double factor,
                   @Nullable Double floorPerMinute,
                   @Nullable Integer maxRepeats,
                   List<String> channels, @Nullable String cooldown, @Nullable Instant mutedUntil,
                   @Nullable Instant updated) {
    static final List<String> TYPES = List.of("error-rate", "error-budget-burn", "cold-start-rate", "p95-duration",
            "runaway-cost", "recursive-loop");
    private static final Duration MIN_WINDOW = Duration.ofMinutes(1);
    private static final Duration MAX_WINDOW = Duration.ofDays(7);

    public Rule {
        type = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new BadRequestException("type: expected one of " + String.join(", ", TYPES) + ", got '" + type + "'");
        }
        name = name == null || name.isBlank() ? type : name.strip();
        scope = scope == null ? Scope.TENANT : scope;
        channels = channels == null ? List.of() : List.copyOf(channels);
        cooldown = cooldown == null ? null : Windows.format(Windows.parse("cooldown", cooldown, Duration.ZERO,
                Duration.ofDays(1)));
        switch (type) {
            case "error-rate", "cold-start-rate" -> {
                window = window("window", window, "5m");
                threshold = fraction("threshold", threshold, type.equals("error-rate") ? 0.05 : 0.1);
                minInvocations = atLeast("minInvocations", minInvocations, 20, 1);
            }
            case "p95-duration" -> {
                window = window("window", window, "5m");
                if (threshold == null || threshold <= 0) {
                    throw new BadRequestException("threshold: a p95-duration rule needs a threshold in ms above 0");
                }
                minInvocations = atLeast("minInvocations", minInvocations, 20, 1);
            }
            case "error-budget-burn" -> {
                sloTarget = sloTarget == null ? 0.999 : sloTarget;
                if (sloTarget <= 0 || sloTarget >= 1) {
                    throw new BadRequestException("sloTarget: a fraction between 0 and 1 (0.999), got " + sloTarget);
                }
                longWindow = window("longWindow", longWindow, "1h");
                shortWindow = window("shortWindow", shortWindow, "5m");
                if (duration(shortWindow).compareTo(duration(longWindow)) >= 0) {
                    throw new BadRequestException("shortWindow (" + shortWindow + ") must be shorter than longWindow ("
                            + longWindow + ")");
                }
                burnRate = positive("burnRate", burnRate, 14.4);
                minInvocations = atLeast("minInvocations", minInvocations, 20, 1);
            }
            case "runaway-cost" -> {
                metric = metric == null ? "invocations" : metric.trim().toLowerCase(Locale.ROOT);
                if (!metric.equals("invocations") && !metric.equals("cost")) {
                    throw new BadRequestException("metric: expected invocations or cost, got '" + metric + "'");
                }
                window = window("window", window, "5m");
                baselineWindow = window("baselineWindow", baselineWindow, "1h");
                factor = positive("factor", factor, 10.0);
                floorPerMinute = positive("floorPerMinute", floorPerMinute, metric.equals("cost") ? 0.01 : 100.0);
            }
            default -> { // recursive-loop
                window = window("window", window, "15m");
                maxRepeats = atLeast("maxRepeats", maxRepeats, 3, 1);
            }
        }
    }

    Rule withIdentity(String id, Instant updated) {
        return new Rule(id, name, type, scope, window, threshold, minInvocations, sloTarget, longWindow, shortWindow,
                burnRate, metric, baselineWindow, factor, floorPerMinute, maxRepeats, channels, cooldown, mutedUntil,
                updated);
    }

    static Duration duration(String text) {
        return Windows.parse("window", text, MIN_WINDOW, MAX_WINDOW);
    }

    Duration cooldownOr(Duration fallback) {
        return cooldown == null ? fallback : Windows.parse("cooldown", cooldown, Duration.ZERO, Duration.ofDays(1));
    }

    private static String window(String field, String given, String fallback) {
        return Windows.format(Windows.parse(field, given == null ? fallback : given, MIN_WINDOW, MAX_WINDOW));
    }

    private static double fraction(String field, Double given, double fallback) {
        double v = given == null ? fallback : given;
        if (v <= 0 || v > 1) {
            throw new BadRequestException(field + ": a fraction above 0 and at most 1 (0.05 = 5 %), got " + v);
        }
        return v;
    }

    private static double positive(String field, Double given, double fallback) {
        double v = given == null ? fallback : given;
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new BadRequestException(field + ": must be above 0, got " + v);
        }
        return v;
    }

    private static int atLeast(String field, Integer given, int fallback, int min) {
        int v = given == null ? fallback : given;
        if (v < min) {
            throw new BadRequestException(field + ": must be at least " + min + ", got " + v);
        }
        return v;
    }
}
