package io.fnscope.query.alerts;

import io.fnscope.query.alerts.channel.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One round of alert evaluation, over every tenant's budgets and rules. Rounds run on every query-api replica, but
 * only the one that claims the round's lease term ({@code lease:<term>}, term = the interval) evaluates: a replica
 * that dies simply does not claim the next term, and another does.
 *
 * <p>Even so, every notification is claimed by itself before it is sent (its event id: the budget's period and
 * threshold, or the rule's transition number), so two evaluators that both believe they hold the lease (a round
 * that overran its term) still send each notification once. A claimed notification is recorded and then delivered;
 * if the process dies in between, it is recorded but not delivered (at most once, visible in the history).
 */
public final class Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    private final AlertConfigStore config;
    private final AlertHistory history;
    private final Claims claims;
    private final BudgetEvaluator budgets;
    private final RuleEvaluator rules;
    private final Notifier notifier;
    private final AlertSettings settings;
    private final Clock clock;

    Evaluator(AlertConfigStore config, AlertHistory history, Claims claims, BudgetEvaluator budgets,
              RuleEvaluator rules, Notifier notifier, AlertSettings settings, Clock clock) {
        this.config = config;
        this.history = history;
        this.claims = claims;
        this.budgets = budgets;
        this.rules = rules;
        this.notifier = notifier;
        this.settings = settings;
        this.clock = clock;
    }

    /** What a round did, for logs and tests. */
    public record Round(boolean leader, int budgets, int rules, int notifications, int failures) {
    }

    /** Claims the lease term of now and, if won, evaluates everything. */
    public Round runIfLeader() {
        return runIfLeader(clock.instant());
    }

    /** Claims the lease term of {@code now} and, if won, evaluates everything at {@code now}. */
    public Round runIfLeader(Instant now) {
        long term = now.toEpochMilli() / settings.interval().toMillis();
        if (!claims.claim("lease:" + term, now)) {
            return new Round(false, 0, 0, 0, 0);
        }
        return evaluate(now);
    }

    /** Evaluates every budget and rule at {@code now}, without a lease (the lease holder's round). */
    public Round evaluate(Instant now) {
        int sent = 0;
        int failures = 0;
        List<AlertConfigStore.Stored<Budget>> allBudgets = config.all(AlertConfigStore.Type.BUDGET, Budget.class);
        for (AlertConfigStore.Stored<Budget> b : allBudgets) {
            try {
                sent += budget(b.tenant(), b.value(), now);
            } catch (RuntimeException e) {
                failures++;
                LOG.warn("budget {}/{} not evaluated: {}", b.tenant(), b.id(), e.toString());
            }
        }
        List<AlertConfigStore.Stored<Rule>> allRules = config.all(AlertConfigStore.Type.RULE, Rule.class);
        Map<String, AlertHistory.Status> statuses = allRules.isEmpty() ? Map.of() : history.ruleStatuses();
        for (AlertConfigStore.Stored<Rule> r : allRules) {
            try {
                sent += rule(r.tenant(), r.value(), statuses.getOrDefault(r.tenant() + "\n" + ruleKey(r.value()),
                        AlertHistory.Status.NEW), now);
            } catch (RuntimeException e) {
                failures++;
                LOG.warn("rule {}/{} not evaluated: {}", r.tenant(), r.id(), e.toString());
            }
        }
        return new Round(true, allBudgets.size(), allRules.size(), sent, failures);
    }

    private int budget(String tenant, Budget b, Instant now) {
        if (muted(b.mutedUntil(), now)) {
            return 0;
        }
        BudgetEvaluator.Spend spend = budgets.spend(tenant, b, now);
        List<BudgetEvaluator.Crossing> crossings = budgets.crossings("budget:" + b.id(), b, spend);
        int sent = 0;
        for (String kind : List.of("actual", "forecast")) {
            // Every newly crossed threshold is claimed (so none is notified later in this period); one message, for
            // the highest, tells about all of them.
            BudgetEvaluator.Crossing highest = null;
            for (BudgetEvaluator.Crossing c : crossings) {
                if (c.kind().equals(kind) && claims.claim(claimKey(tenant, c.alertKey()), now)) {
                    highest = c;
                }
            }
            if (highest != null) {
                record(tenant, highest.alertKey(), "budget", b.id(), "firing", 1, highest.finding(), b.channels(), now);
                sent++;
            }
        }
        return sent;
    }

    private int rule(String tenant, Rule r, AlertHistory.Status status, Instant now) {
        if (muted(r.mutedUntil(), now)) {
            return 0;
        }
        Finding f = rules.evaluate(tenant, r, now);
        String state;
        if (f.breached() && !status.firing()) {
            Duration cooldown = r.cooldownOr(settings.cooldown());
            if (status.lastFired() != null && now.isBefore(status.lastFired().plus(cooldown))) {
                LOG.debug("rule {}/{} fires again within its cooldown; not notified", tenant, r.id());
                return 0;
            }
            state = "firing";
        } else if (!f.breached() && status.firing()) {
            state = "resolved";
        } else {
            return 0;
        }
        int sequence = status.sequence() + 1;
        String eventKey = ruleKey(r) + ":" + sequence;
        if (!claims.claim(claimKey(tenant, eventKey), now)) {
            return 0;
        }
        record(tenant, ruleKey(r), "rule", r.id(), state, sequence, f, r.channels(), now);
        return 1;
    }

    private void record(String tenant, String alertKey, String sourceType, String sourceId, String state,
                        int sequence, Finding f, List<String> channels, Instant now) {
        String eventId = sourceType.equals("budget") ? alertKey : alertKey + ":" + sequence;
        boolean resolved = state.equals("resolved");
        String title = resolved ? f.title().replaceFirst(": ", ": resolved, ") : f.title();
        String summary = resolved ? "Back to normal. " + f.summary() : f.summary();
        AlertEvent event = new AlertEvent(eventId, alertKey, sourceType, sourceId, state, sequence, now,
                resolved ? "info" : f.severity().name().toLowerCase(java.util.Locale.ROOT), title, summary, f.value(),
                f.threshold(), null);
        history.append(tenant, event);
        Notification n = new Notification(tenant, eventId, resolved ? Notification.State.RESOLVED
                : Notification.State.FIRING, resolved ? Notification.Severity.INFO : f.severity(), title, summary,
                f.facts(), f.contributors(), link(f.linkPath()), now);
        notifier.notify(tenant, channels, n, eventId);
    }

    private String link(String path) {
        return settings.uiBaseUrl() == null || path == null ? null : settings.uiBaseUrl() + path;
    }

    private static boolean muted(Instant until, Instant now) {
        return until != null && now.isBefore(until);
    }

    static String ruleKey(Rule r) {
        return "rule:" + r.id();
    }

    /** Claims are global; alert keys are per tenant. */
    static String claimKey(String tenant, String key) {
        return "t:" + tenant + ":" + key;
    }
}
