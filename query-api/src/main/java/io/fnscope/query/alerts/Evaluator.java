package io.fnscope.query.alerts;

import io.fnscope.query.alerts.channel.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One round of alert evaluation, over every tenant's budgets and rules. Rounds run on every query-api replica, but
 * only the one that claims the round's lease term ({@code lease:<term>}, term = the interval) evaluates: a replica
 * that dies simply does not claim the next term, and another does.
 *
 * <p>Even so, every event is recorded once by whoever records it first ({@link AlertHistory#recordOnce}; its id is
 * the budget's period and threshold, or the rule's transition number), and only that evaluator notifies, so two
 * evaluators that both believe they hold the lease (a round that overran its term) still send each notification
 * once. An event is recorded and then delivered; if the process dies in between, it is in the history without
 * deliveries (at most once).
 */
public final class Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    private final AlertConfigStore config;
    private final AlertHistory history;
    private final Claims claims;
    private final BudgetEvaluator budgets;
    private final RuleEvaluator rules;
    private final ChannelNotifier notifier;
    private final AlertSettings settings;
    private final Clock clock;
    private final AlertMetrics metrics;

    Evaluator(AlertConfigStore config, AlertHistory history, Claims claims, BudgetEvaluator budgets,
              RuleEvaluator rules, ChannelNotifier notifier, AlertSettings settings, Clock clock, AlertMetrics metrics) {
        this.metrics = metrics;
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
        long started = System.nanoTime();
        if (!claims.claim("lease:" + term, now)) {
            metrics.round(false, 0, 0);
            return new Round(false, 0, 0, 0, 0);
        }
        Round r = evaluate(now);
        metrics.round(true, System.nanoTime() - started, r.failures());
        return r;
    }

    /** Evaluates every budget and rule at {@code now}, without a lease (the lease holder's round). */
    public Round evaluate(Instant now) {
        ScopedRollups.Memo memo = new ScopedRollups.Memo();
        int sent = 0;
        int failures = 0;
        List<AlertConfigStore.Stored<Budget>> allBudgets = config.all(AlertConfigStore.Type.BUDGET, Budget.class);
        // Every budget's crossed thresholds first, then one lookup of which are recorded already.
        Map<AlertConfigStore.Stored<Budget>, List<BudgetEvaluator.Crossing>> crossed = new LinkedHashMap<>();
        for (AlertConfigStore.Stored<Budget> b : allBudgets) {
            try {
                if (!muted(b.value().mutedUntil(), now)) {
                    BudgetEvaluator.Spend spend = budgets.spend(b.tenant(), b.value(), now, memo);
                    crossed.put(b, budgets.crossings("budget:" + b.id(), b.value(), spend));
                }
            } catch (RuntimeException e) {
                failures++;
                LOG.warn("budget {}/{} not evaluated: {}", b.tenant(), b.id(), e.toString());
            }
        }
        Set<String> recorded = history.recorded(crossed.values().stream().flatMap(List::stream)
                .map(c -> eventId(c.alertKey(), 1)).toList());
        for (var e : crossed.entrySet()) {
            try {
                sent += budget(e.getKey(), e.getValue(), recorded, now);
            } catch (RuntimeException ex) {
                failures++;
                LOG.warn("budget {}/{} not recorded: {}", e.getKey().tenant(), e.getKey().id(), ex.toString());
            }
        }
        List<AlertConfigStore.Stored<Rule>> allRules = config.all(AlertConfigStore.Type.RULE, Rule.class);
        Map<String, AlertHistory.Status> statuses = allRules.isEmpty() ? Map.of() : history.ruleStatuses();
        for (AlertConfigStore.Stored<Rule> r : allRules) {
            try {
                sent += rule(r.tenant(), r.value(), statuses.getOrDefault(r.tenant() + "\n" + ruleKey(r.value()),
                        AlertHistory.Status.NEW), now, memo);
            } catch (RuntimeException e) {
                failures++;
                LOG.warn("rule {}/{} not evaluated: {}", r.tenant(), r.id(), e.toString());
            }
        }
        return new Round(true, allBudgets.size(), allRules.size(), sent, failures);
    }

    /**
     * Records an event for every threshold crossed since the last round (each once per period, whoever records it
     * first) and sends one message per kind, for the highest: a jump past 50 and 80 % is one message about 80 %.
     */
    private int budget(AlertConfigStore.Stored<Budget> b, List<BudgetEvaluator.Crossing> crossings,
                       Set<String> recorded, Instant now) {
        int sent = 0;
        for (String kind : List.of("actual", "forecast")) {
            BudgetEvaluator.Crossing highest = null;
            for (BudgetEvaluator.Crossing c : crossings) {
                if (c.kind().equals(kind) && !recorded.contains(eventId(c.alertKey(), 1))
                        && history.recordOnce(b.tenant(), event(c.alertKey(), "budget", b.id(), "firing", 1,
                        c.finding(), now))) {
                    highest = c;
                }
            }
            if (highest != null) {
                notify(b.tenant(), highest.alertKey(), "firing", 1, highest.finding(), b.value().channels(), now);
                sent++;
            }
        }
        return sent;
    }

    private int rule(String tenant, Rule r, AlertHistory.Status status, Instant now, ScopedRollups.Memo memo) {
        if (muted(r.mutedUntil(), now)) {
            return 0;
        }
        Finding f = rules.evaluate(tenant, r, now, memo);
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
        // The transition's number is part of the event id: two evaluators seeing the same transition record the
        // same id, and only the first notifies.
        int sequence = status.sequence() + 1;
        if (!history.recordOnce(tenant, event(ruleKey(r), "rule", r.id(), state, sequence, f, now))) {
            return 0;
        }
        notify(tenant, ruleKey(r), state, sequence, f, r.channels(), now);
        return 1;
    }

    private static AlertEvent event(String alertKey, String sourceType, String sourceId, String state, int sequence,
                                    Finding f, Instant now) {
        boolean resolved = state.equals("resolved");
        return new AlertEvent(eventId(alertKey, sequence), alertKey, sourceType, sourceId, state, sequence, now,
                resolved ? "info" : f.severity().name().toLowerCase(java.util.Locale.ROOT), title(f, resolved),
                summary(f, resolved), f.value(), f.threshold(), null);
    }

    private void notify(String tenant, String alertKey, String state, int sequence, Finding f, List<String> channels,
                        Instant now) {
        boolean resolved = state.equals("resolved");
        Notification n = new Notification(tenant, alertKey, resolved ? Notification.State.RESOLVED
                : Notification.State.FIRING, resolved ? Notification.Severity.INFO : f.severity(), title(f, resolved),
                summary(f, resolved), f.facts(), f.contributors(), link(f.linkPath()), now);
        notifier.notify(tenant, channels, n, eventId(alertKey, sequence));
        metrics.notified(alertKey.startsWith("budget:") ? "budget" : "rule", state);
    }

    private static String title(Finding f, boolean resolved) {
        return resolved ? f.title().replaceFirst(": ", ": resolved, ") : f.title();
    }

    private static String summary(Finding f, boolean resolved) {
        return resolved ? "Back to normal. " + f.summary() : f.summary();
    }

    /** A budget's threshold happens once per period (its key says which); a rule's transitions are numbered. */
    static String eventId(String alertKey, int sequence) {
        return alertKey.startsWith("budget:") ? alertKey : alertKey + ":" + sequence;
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
}
