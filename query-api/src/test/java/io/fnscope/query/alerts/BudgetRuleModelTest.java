package io.fnscope.query.alerts;

import io.fnscope.query.BadRequestException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Budget periods, rule defaults and checks, durations and figures as notifications print them. */
class BudgetRuleModelTest {

    private static Budget budget(String period, String zone) {
        return new Budget(null, "b", null, period, zone, BigDecimal.TEN, null, null, null, null, null);
    }

    @Test
    void periodsStartWhereTheirTimeZoneSaysIncludingAcrossDaylightSaving() {
        Instant at = Instant.parse("2026-03-29T12:00:00Z"); // a Sunday; Europe/Paris moved to summer time at 01:00Z
        assertThat(budget("day", "UTC").periodAt(at)).isEqualTo(new Budget.Window(
                Instant.parse("2026-03-29T00:00:00Z"), Instant.parse("2026-03-30T00:00:00Z")));
        // Paris: the day started at 23:00Z the evening before (UTC+1) and ends at 22:00Z (UTC+2): 23 hours.
        assertThat(budget("day", "Europe/Paris").periodAt(at)).isEqualTo(new Budget.Window(
                Instant.parse("2026-03-28T23:00:00Z"), Instant.parse("2026-03-29T22:00:00Z")));
        assertThat(budget("week", "UTC").periodAt(at)).isEqualTo(new Budget.Window(
                Instant.parse("2026-03-23T00:00:00Z"), Instant.parse("2026-03-30T00:00:00Z")));
        assertThat(budget("month", "UTC").periodAt(Instant.parse("2026-02-28T23:59:59Z"))).isEqualTo(
                new Budget.Window(Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z")));
        // 2026-03-01T02:00Z is still February in New York.
        assertThat(budget("month", "America/New_York").periodAt(Instant.parse("2026-03-01T02:00:00Z")).start())
                .isEqualTo(Instant.parse("2026-02-01T05:00:00Z"));
    }

    @Test
    void budgetDefaultsAndThresholdsAreSortedAndUnique() {
        Budget b = budget(null, null);
        assertThat(b.period()).isEqualTo("month");
        assertThat(b.timeZone()).isEqualTo("UTC");
        assertThat(b.thresholds()).containsExactly(50, 80, 100);
        assertThat(b.forecastThresholds()).containsExactly(100);
        assertThat(b.scope()).isEqualTo(Scope.TENANT);
        Budget custom = new Budget(null, "b", null, "week", "UTC", BigDecimal.ONE, List.of(90, 25, 90), List.of(),
                null, null, null);
        assertThat(custom.thresholds()).containsExactly(25, 90);
        assertThat(custom.forecastThresholds()).isEmpty();
    }

    @Test
    void ruleTypesGetTheirDefaults() {
        Rule errors = rule("error-rate", Map.of());
        assertThat(errors.window()).isEqualTo("5m");
        assertThat(errors.threshold()).isEqualTo(0.05);
        assertThat(errors.minInvocations()).isEqualTo(20);
        Rule burn = rule("error-budget-burn", Map.of());
        assertThat(List.of(burn.sloTarget(), burn.burnRate())).containsExactly(0.999, 14.4);
        assertThat(List.of(burn.longWindow(), burn.shortWindow())).containsExactly("1h", "5m");
        Rule runaway = rule("runaway-cost", Map.of("metric", "cost"));
        assertThat(runaway.floorPerMinute()).isEqualTo(0.01);
        assertThat(List.of(runaway.window(), runaway.baselineWindow())).containsExactly("5m", "1h");
        assertThat(rule("recursive-loop", Map.of()).maxRepeats()).isEqualTo(3);
        assertThat(rule("error-rate", Map.of("window", "PT90M")).window()).isEqualTo("90m");
    }

    @Test
    void badRulesNameTheField() {
        assertBad(() -> rule("error-rate", Map.of("window", "30s")), "window: 30s is outside 1m to 7d");
        assertBad(() -> rule("error-rate", Map.of("window", "soon")), "window: 'soon' is not a duration");
        assertBad(() -> rule("cold-start-rate", Map.of("threshold", 0.0)), "threshold");
        assertBad(() -> rule("error-budget-burn", Map.of("sloTarget", 1.0)), "sloTarget");
        assertBad(() -> rule("runaway-cost", Map.of("factor", -1.0)), "factor");
        assertBad(() -> rule("recursive-loop", Map.of("maxRepeats", 0)), "maxRepeats");
        assertBad(() -> new Scope("function", " "), "scope.value");
        assertBad(() -> new Scope("tag", "=x"), "scope.value");
        assertBad(() -> new Scope("region", "x"), "scope.type");
    }

    @Test
    void cycleThroughAQueueIsFoundAndAChainIsNot() {
        Map<String, Set<String>> graph = Map.of(
                "function:a", Set.of("queue:sqs:q", "database:dynamodb"),
                "queue:sqs:q", Set.of("function:b"),
                "function:b", Set.of("queue:sqs:r"),
                "queue:sqs:r", Set.of("function:a"),
                "function:c", Set.of("queue:sqs:q"));
        assertThat(LoopDetector.cycleThrough(graph, "function:a"))
                .containsExactly("function:a", "queue:sqs:q", "function:b", "queue:sqs:r", "function:a");
        assertThat(LoopDetector.cycleThrough(graph, "function:c")).isNull();
    }

    @Test
    void dollarsReadLikeDollars() {
        assertThat(Finding.usd(new BigDecimal("12.345"))).isEqualTo("$12.35");
        assertThat(Finding.usd(new BigDecimal("1"))).isEqualTo("$1.00");
        assertThat(Finding.usd(new BigDecimal("0.6"))).isEqualTo("$0.60");
        assertThat(Finding.usd(new BigDecimal("0.0042"))).isEqualTo("$0.0042");
        assertThat(Finding.usd(new BigDecimal("0.000014426704"))).isEqualTo("$0.00001443");
        assertThat(Finding.usd(BigDecimal.ZERO)).isEqualTo("$0.00");
    }

    private static void assertBad(Runnable r, String messageStart) {
        assertThatThrownBy(r::run).isInstanceOf(BadRequestException.class).hasMessageStartingWith(messageStart);
    }

    private static Rule rule(String type, Map<String, Object> f) {
        return new Rule(null, null, type, null, (String) f.get("window"), (Double) f.get("threshold"),
                (Integer) f.get("minInvocations"), (Double) f.get("sloTarget"), (String) f.get("longWindow"),
                (String) f.get("shortWindow"), (Double) f.get("burnRate"), (String) f.get("metric"),
                (String) f.get("baselineWindow"), (Double) f.get("factor"), (Double) f.get("floorPerMinute"),
                (Integer) f.get("maxRepeats"), null, null, null, null);
    }
}
