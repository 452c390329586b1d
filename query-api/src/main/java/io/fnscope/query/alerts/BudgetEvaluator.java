package io.fnscope.query.alerts;

import io.fnscope.query.FunctionStore;
import io.fnscope.query.alerts.channel.Notification;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A budget's spend in its current period (actual) and projected to the period's end (forecast: the actual spend
 * plus the burn rate of the last {@code fnscope.alerts.forecast-window} times what is left of the period), from the
 * roll-ups; and, per threshold, whether it is crossed.
 */
final class BudgetEvaluator {
    private static final int TOP_CONTRIBUTORS = 5;

    private final ScopedRollups rollups;
    private final Duration forecastWindow;
    private final Duration forecastMinElapsed;

    BudgetEvaluator(ScopedRollups rollups, Duration forecastWindow, Duration forecastMinElapsed) {
        this.rollups = rollups;
        this.forecastWindow = forecastWindow;
        this.forecastMinElapsed = forecastMinElapsed;
    }

    /** Spend of the current period; forecast is null before enough of the period has passed. */
    record Spend(Budget.Window period, BigDecimal actual, BigDecimal forecast, List<FunctionStore.Measures> top) {
    }

    /** One threshold crossed: its alert key and the finding to notify. */
    record Crossing(String kind, int percent, String alertKey, Finding finding) {
    }

    Spend spend(String tenant, Budget b, Instant now, ScopedRollups.Memo memo) {
        Budget.Window period = b.periodAt(now);
        ScopedRollups.Totals sofar = rollups.totals(tenant, b.scope(), period.start(), now, memo);
        BigDecimal forecast = null;
        Duration elapsed = Duration.between(period.start(), now);
        if (elapsed.compareTo(forecastMinElapsed) >= 0) {
            Duration window = elapsed.compareTo(forecastWindow) < 0 ? elapsed : forecastWindow;
            BigDecimal recent = window.equals(elapsed) ? sofar.costUsd()
                    : rollups.totals(tenant, b.scope(), now.minus(window), now, memo).costUsd();
            BigDecimal perMs = recent.divide(BigDecimal.valueOf(window.toMillis()), MathContext.DECIMAL64);
            BigDecimal left = BigDecimal.valueOf(Duration.between(now, period.end()).toMillis());
            forecast = sofar.costUsd().add(perMs.multiply(left)).setScale(12, RoundingMode.HALF_UP);
        }
        List<FunctionStore.Measures> top = sofar.functions().stream()
                .filter(m -> m.costUsd().signum() > 0).limit(TOP_CONTRIBUTORS).toList();
        return new Spend(period, sofar.costUsd(), forecast, top);
    }

    /** Every crossed threshold of both kinds, lowest first within a kind. */
    List<Crossing> crossings(String budgetKey, Budget b, Spend s) {
        List<Crossing> out = new ArrayList<>();
        add(out, "actual", b.thresholds(), s.actual(), budgetKey, b, s);
        if (s.forecast() != null) {
            add(out, "forecast", b.forecastThresholds(), s.forecast(), budgetKey, b, s);
        }
        return out;
    }

    private void add(List<Crossing> out, String kind, List<Integer> percents, BigDecimal value, String budgetKey,
                     Budget b, Spend s) {
        for (int p : percents) {
            BigDecimal limit = b.amountUsd().multiply(BigDecimal.valueOf(p)).movePointLeft(2);
            if (value.compareTo(limit) >= 0) {
                String key = budgetKey + ":" + s.period().start().getEpochSecond() + ":" + kind + ":" + p;
                out.add(new Crossing(kind, p, key, finding(kind, p, value, limit, b, s)));
            }
        }
    }

    private static Finding finding(String kind, int percent, BigDecimal value, BigDecimal limit, Budget b, Spend s) {
        double used = value.divide(b.amountUsd(), MathContext.DECIMAL64).doubleValue();
        String what = kind.equals("actual") ? "spent" : "forecast to spend";
        String title = "Budget '" + b.name() + "': " + (kind.equals("actual") ? "spend" : "forecast") + " at "
                + Math.round(used * 100) + " % of " + Finding.usd(b.amountUsd()) + " (" + b.period() + ")";
        String summary = b.scope().describeCapitalized() + " " + (kind.equals("actual") ? "has " : "is ") + what + " " + Finding.usd(value) + " of "
                + Finding.usd(b.amountUsd()) + " this " + b.period() + ", past the " + percent + " % threshold ("
                + Finding.usd(limit) + ").";
        List<Notification.Fact> facts = new ArrayList<>();
        facts.add(new Notification.Fact("Spend", Finding.usd(s.actual())));
        facts.add(new Notification.Fact("Budget", Finding.usd(b.amountUsd())));
        facts.add(new Notification.Fact("Forecast", s.forecast() == null ? "not yet (too early in the period)"
                : Finding.usd(s.forecast())));
        facts.add(new Notification.Fact("Threshold", percent + " % of the " + kind.replace("actual", "actual spend")));
        facts.add(new Notification.Fact("Period", s.period().start() + " to " + s.period().end() + " (" + b.timeZone()
                + ")"));
        facts.add(new Notification.Fact("Scope", b.scope().describe()));
        List<Notification.Fact> top = s.top().stream()
                .map(m -> new Notification.Fact(m.function(), Finding.usd(m.costUsd()) + " ("
                        + Math.round(s.actual().signum() == 0 ? 0 : m.costUsd().divide(s.actual(), MathContext.DECIMAL64)
                        .doubleValue() * 100) + " %)"))
                .toList();
        Notification.Severity severity = percent >= 100 ? Notification.Severity.CRITICAL
                : percent >= 80 ? Notification.Severity.WARNING : Notification.Severity.INFO;
        String link = "/cost?groupBy=function&from=" + s.period().start().toEpochMilli() + "&to="
                + s.period().end().toEpochMilli();
        return new Finding(true, value.doubleValue(), limit.doubleValue(), severity, title, summary, facts, top, link);
    }
}
