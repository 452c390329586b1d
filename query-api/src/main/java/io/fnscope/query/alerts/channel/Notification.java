package io.fnscope.query.alerts.channel;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an alert says, independent of where it goes: each channel's format ({@link ChannelFormat}) renders the same
 * notification as Slack Block Kit, a Teams Adaptive Card, a Google Chat card or fnscope's own webhook JSON.
 *
 * @param tenant       the tenant the alert belongs to
 * @param alertKey     stable identity of the alert (rule or budget, scope, period, threshold): the same condition
 *                     always has the same key, so receivers can de-duplicate and thread on it
 * @param state        firing, resolved, or a test message
 * @param severity     how loud to be
 * @param title        one line: what happened ("Budget 'payments' at 82 % of $500.00 (month)")
 * @param summary      one or two sentences with the figures that matter
 * @param facts        name/value pairs shown as a table (spend, budget, forecast, period, window, rate...)
 * @param contributors the top contributors (e.g. functions by cost), each a name and a formatted figure; may be empty
 * @param link         where to look in the UI (absolute URL), or null when no UI base URL is configured
 * @param at           when the evaluator decided this
 */
public record Notification(String tenant, String alertKey, State state, Severity severity, String title,
                           String summary, List<Fact> facts, List<Fact> contributors, String link, Instant at) {

    public enum State { FIRING, RESOLVED, TEST }

    public enum Severity { INFO, WARNING, CRITICAL }

    /** One line of a table: a label and its already formatted value. */
    public record Fact(String name, String value) {
        public Fact {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public Notification {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(alertKey, "alertKey");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        summary = summary == null ? "" : summary;
        facts = facts == null ? List.of() : List.copyOf(facts);
        contributors = contributors == null ? List.of() : List.copyOf(contributors);
        Objects.requireNonNull(at, "at");
    }
}
