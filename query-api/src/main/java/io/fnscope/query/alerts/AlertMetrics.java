package io.fnscope.query.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * Alerting's Prometheus metrics ({@code /metrics}), names as Prometheus shows them:
 * <ul>
 *   <li>{@code fnscope_alerts_rounds_total{leader}}: rounds this process started, {@code leader="true"} when it held
 *   the term's lease and evaluated (summed over replicas, one per interval), else {@code "false"}.</li>
 *   <li>{@code fnscope_alerts_round_duration_seconds}: histogram of the evaluating rounds.</li>
 *   <li>{@code fnscope_alerts_evaluation_failures_total}: budgets and rules a round could not evaluate (logged).</li>
 *   <li>{@code fnscope_alerts_notifications_total{source,state}}: events this process recorded and notified
 *   ({@code budget} or {@code rule}, {@code firing} or {@code resolved}).</li>
 *   <li>{@code fnscope_alerts_delivery_attempts_total{kind,outcome}}: every attempt to post to a channel:
 *   {@code delivered}, {@code retrying}, {@code failed}, {@code refused_by_policy}; alert when {@code failed} grows.</li>
 * </ul>
 */
final class AlertMetrics {
    private final MeterRegistry registry;
    private final Timer round;

    AlertMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.round = Timer.builder("fnscope.alerts.round.duration")
                .description("Duration of an alert evaluation round (the lease holder's)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    void round(boolean leader, long nanos, int failures) {
        Counter.builder("fnscope.alerts.rounds").description("Alert evaluation rounds started")
                .tag("leader", Boolean.toString(leader)).register(registry).increment();
        if (leader) {
            round.record(Duration.ofNanos(nanos));
        }
        if (failures > 0) {
            Counter.builder("fnscope.alerts.evaluation.failures")
                    .description("Budgets and rules a round could not evaluate").register(registry)
                    .increment(failures);
        }
    }

    void notified(String source, String state) {
        Counter.builder("fnscope.alerts.notifications").description("Alert events recorded and notified")
                .tag("source", source).tag("state", state).register(registry).increment();
    }

    void attempt(String kind, String outcome) {
        Counter.builder("fnscope.alerts.delivery.attempts").description("Attempts to post a notification to a channel")
                .tag("kind", kind).tag("outcome", outcome).register(registry).increment();
    }
}
