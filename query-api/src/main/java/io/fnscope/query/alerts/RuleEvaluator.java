package io.fnscope.query.alerts;

import io.fnscope.query.FunctionStore;
import io.fnscope.query.alerts.channel.Notification;
import io.fnscope.query.alerts.channel.Notification.Fact;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Measures a rule's condition now: rates and durations from the per-function roll-ups ({@link ScopedRollups}),
 * loops from the service map and a few transactions ({@link LoopDetector}). Windows end now; the roll-ups' current
 * minute is partial, which the windows' length absorbs.
 */
final class RuleEvaluator {
    private static final int TOP = 5;

    private final ScopedRollups rollups;
    private final LoopDetector loops;

    RuleEvaluator(ScopedRollups rollups, LoopDetector loops) {
        this.rollups = rollups;
        this.loops = loops;
    }

    Finding evaluate(String tenant, Rule rule, Instant now, ScopedRollups.Memo memo) {
        return switch (rule.type()) {
            case "error-rate" -> rate(tenant, rule, now, true, memo);
            case "cold-start-rate" -> rate(tenant, rule, now, false, memo);
            case "p95-duration" -> p95(tenant, rule, now, memo);
            case "error-budget-burn" -> burn(tenant, rule, now, memo);
            case "runaway-cost" -> runaway(tenant, rule, now, memo);
            default -> loop(tenant, rule, now, memo);
        };
    }

    private Finding rate(String tenant, Rule rule, Instant now, boolean errors, ScopedRollups.Memo memo) {
        ScopedRollups.Totals t = rollups.totals(tenant, rule.scope(), now.minus(Rule.duration(rule.window())), now, memo);
        double rate = errors ? t.errorRate() : t.coldStartRate();
        boolean breached = t.invocations() >= rule.minInvocations() && rate >= rule.threshold();
        String what = errors ? "Error rate" : "Cold-start rate";
        List<Fact> facts = List.of(new Fact(what, Finding.percent(rate)),
                new Fact("Threshold", Finding.percent(rule.threshold())),
                new Fact("Invocations", Long.toString(t.invocations())),
                new Fact(errors ? "Errors" : "Cold starts", Long.toString(errors ? t.errors() : t.coldStarts())),
                new Fact("Window", "last " + rule.window()), new Fact("Scope", rule.scope().describe()));
        List<Fact> top = t.functions().stream().filter(m -> (errors ? m.errors() : m.coldStarts()) > 0)
                .sorted(Comparator.comparingLong((FunctionStore.Measures m) -> errors ? m.errors() : m.coldStarts())
                        .reversed())
                .limit(TOP).map(m -> new Fact(m.function(), (errors ? m.errors() + " errors" : m.coldStarts()
                        + " cold starts") + " of " + m.invocations())).toList();
        return new Finding(breached, rate, rule.threshold(), errors ? Notification.Severity.CRITICAL
                : Notification.Severity.WARNING, title(rule, what + " " + Finding.percent(rate)),
                what + " of " + rule.scope().describe() + " over the last " + rule.window() + " is "
                        + Finding.percent(rate) + " (" + (errors ? t.errors() : t.coldStarts()) + " of "
                        + t.invocations() + " invocations); the rule fires at " + Finding.percent(rule.threshold())
                        + " with at least " + rule.minInvocations() + " invocations.",
                facts, top, functionsLink(rule, now));
    }

    private Finding p95(String tenant, Rule rule, Instant now, ScopedRollups.Memo memo) {
        ScopedRollups.Totals t = rollups.totals(tenant, rule.scope(), now.minus(Rule.duration(rule.window())), now, memo);
        double p95 = t.p95Ms() == null ? 0 : t.p95Ms();
        boolean breached = t.invocations() >= rule.minInvocations() && p95 >= rule.threshold();
        List<Fact> top = t.functions().stream().filter(m -> m.invocations() > 0 && q95(m) != null)
                .sorted(Comparator.comparing(RuleEvaluator::q95).reversed()).limit(TOP)
                .map(m -> new Fact(m.function(), Finding.number(q95(m)) + " ms p95")).toList();
        return new Finding(breached, p95, rule.threshold(), Notification.Severity.WARNING,
                title(rule, "p95 duration " + Finding.number(p95) + " ms"),
                "The slowest function of " + rule.scope().describe() + " has a p95 duration of "
                        + Finding.number(p95) + " ms over the last " + rule.window() + "; the rule fires at "
                        + Finding.number(rule.threshold()) + " ms.",
                List.of(new Fact("p95 duration", Finding.number(p95) + " ms"),
                        new Fact("Threshold", Finding.number(rule.threshold()) + " ms"),
                        new Fact("Invocations", Long.toString(t.invocations())),
                        new Fact("Window", "last " + rule.window()), new Fact("Scope", rule.scope().describe())),
                top, functionsLink(rule, now));
    }

    private static Double q95(FunctionStore.Measures m) {
        return m.durationQ() == null || m.durationQ().size() < 2 || m.durationQ().get(1) == null ? null
                : m.durationQ().get(1).doubleValue();
    }

    private Finding burn(String tenant, Rule rule, Instant now, ScopedRollups.Memo memo) {
        double budget = 1 - rule.sloTarget();
        ScopedRollups.Totals longW = rollups.totals(tenant, rule.scope(), now.minus(Rule.duration(rule.longWindow())), now, memo);
        ScopedRollups.Totals shortW = rollups.totals(tenant, rule.scope(), now.minus(Rule.duration(rule.shortWindow())), now, memo);
        double burnLong = longW.errorRate() / budget;
        double burnShort = shortW.errorRate() / budget;
        boolean breached = longW.invocations() >= rule.minInvocations() && shortW.invocations() >= rule.minInvocations()
                && burnLong >= rule.burnRate() && burnShort >= rule.burnRate();
        double value = Math.min(burnLong, burnShort);
        return new Finding(breached, value, rule.burnRate(), Notification.Severity.CRITICAL,
                title(rule, "error budget burning " + Finding.number(value) + "x"),
                rule.scope().describeCapitalized() + " burns its error budget (SLO " + Finding.percent(rule.sloTarget()) + ") "
                        + Finding.number(burnLong) + "x over the last " + rule.longWindow() + " and "
                        + Finding.number(burnShort) + "x over the last " + rule.shortWindow() + "; the rule fires at "
                        + Finding.number(rule.burnRate()) + "x on both.",
                List.of(new Fact("Burn rate (" + rule.longWindow() + ")", Finding.number(burnLong) + "x"),
                        new Fact("Burn rate (" + rule.shortWindow() + ")", Finding.number(burnShort) + "x"),
                        new Fact("Error rate (" + rule.longWindow() + ")", Finding.percent(longW.errorRate())),
                        new Fact("Error rate (" + rule.shortWindow() + ")", Finding.percent(shortW.errorRate())),
                        new Fact("SLO", Finding.percent(rule.sloTarget())),
                        new Fact("Scope", rule.scope().describe())),
                List.of(), functionsLink(rule, now));
    }

    private Finding runaway(String tenant, Rule rule, Instant now, ScopedRollups.Memo memo) {
        Duration window = Rule.duration(rule.window());
        Duration baseline = Rule.duration(rule.baselineWindow());
        Instant split = now.minus(window);
        ScopedRollups.Totals current = rollups.totals(tenant, rule.scope(), split, now, memo);
        ScopedRollups.Totals before = rollups.totals(tenant, rule.scope(), split.minus(baseline), split, memo);
        boolean cost = rule.metric().equals("cost");
        double nowPerMin = (cost ? current.costUsd().doubleValue() : current.invocations()) / minutes(window);
        double basePerMin = (cost ? before.costUsd().doubleValue() : before.invocations()) / minutes(baseline);
        double limit = Math.max(rule.floorPerMinute(), rule.factor() * basePerMin);
        boolean breached = nowPerMin >= limit;
        String unit = cost ? "cost per minute" : "invocations per minute";
        String nowText = cost ? Finding.usd(BigDecimal.valueOf(nowPerMin)) : Finding.number(nowPerMin);
        String baseText = cost ? Finding.usd(BigDecimal.valueOf(basePerMin)) : Finding.number(basePerMin);
        List<Fact> top = current.functions().stream()
                .sorted(Comparator.comparingDouble((FunctionStore.Measures m) -> cost ? m.costUsd().doubleValue()
                        : m.invocations()).reversed())
                .filter(m -> m.invocations() > 0).limit(TOP)
                .map(m -> new Fact(m.function(), cost ? Finding.usd(m.costUsd()) + " in " + rule.window()
                        : m.invocations() + " invocations in " + rule.window())).toList();
        return new Finding(breached, nowPerMin, limit, Notification.Severity.CRITICAL,
                title(rule, "runaway " + unit + " " + nowText),
                "The " + unit + " of " + rule.scope().describe() + " over the last " + rule.window() + " is " + nowText
                        + ", " + (basePerMin == 0 ? "with none" : Finding.number(nowPerMin / basePerMin) + "x the "
                        + baseText) + " of the " + rule.baselineWindow() + " before. A hot loop or faulty scaling"
                        + " makes the bill grow at this pace.",
                List.of(new Fact("Now", nowText + " per minute"), new Fact("Baseline", baseText + " per minute"),
                        new Fact("Fires at", (cost ? Finding.usd(BigDecimal.valueOf(limit)) : Finding.number(limit))
                                + " per minute (" + Finding.number(rule.factor()) + "x baseline, floor "
                                + Finding.number(rule.floorPerMinute()) + ")"),
                        new Fact("Cost in window", Finding.usd(current.costUsd())),
                        new Fact("Scope", rule.scope().describe())),
                top, functionsLink(rule, now));
    }

    private Finding loop(String tenant, Rule rule, Instant now, ScopedRollups.Memo memo) {
        Instant from = now.minus(Rule.duration(rule.window()));
        // The functions in scope: all of them for the tenant, else those the roll-ups place in the scope.
        Set<String> inScope = rule.scope().type().equals("tenant") ? null : rollups.totals(tenant, rule.scope(), from,
                now, memo).functions().stream().map(FunctionStore.Measures::function).collect(Collectors.toSet());
        Optional<LoopDetector.Loop> found = loops.worst(tenant, inScope, from, rule.maxRepeats());
        if (found.isEmpty()) {
            return new Finding(false, 0, rule.maxRepeats(), Notification.Severity.CRITICAL,
                    title(rule, "no recursive loop"), "No transaction in the last " + rule.window()
                    + " invoked a function more than " + rule.maxRepeats() + " times.", List.of(), List.of(), null);
        }
        LoopDetector.Loop l = found.get();
        List<Fact> facts = new ArrayList<>(List.of(new Fact("Function", l.function()),
                new Fact("Invocations in one transaction", Integer.toString(l.count())),
                new Fact("Allowed", Integer.toString(rule.maxRepeats())),
                new Fact("Cycle", String.join(" → ", l.cycle())), new Fact("Trace", l.traceId())));
        return new Finding(true, l.count(), rule.maxRepeats(), Notification.Severity.CRITICAL,
                title(rule, "recursive loop through " + l.function()),
                "Function " + l.function() + " was invoked " + l.count() + " times in one transaction through "
                        + String.join(" → ", l.cycle()) + " (allowed: " + rule.maxRepeats() + "). A message that"
                        + " triggers its own producer again runs until someone stops it.",
                facts, List.of(), "/transactions/" + l.traceId());
    }

    private static String title(Rule rule, String what) {
        return "Rule '" + rule.name() + "': " + what;
    }

    private static double minutes(Duration d) {
        return d.toMillis() / 60_000.0;
    }

    private static String functionsLink(Rule rule, Instant now) {
        long to = now.toEpochMilli();
        long from = now.minus(Rule.duration(rule.window() != null ? rule.window() : rule.longWindow())).toEpochMilli();
        return rule.scope().type().equals("function")
                ? "/functions/" + java.net.URLEncoder.encode(rule.scope().value(), java.nio.charset.StandardCharsets.UTF_8)
                        + "?from=" + from + "&to=" + to
                : "/functions?from=" + from + "&to=" + to;
    }
}
