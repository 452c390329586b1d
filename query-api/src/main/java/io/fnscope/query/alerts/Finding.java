package io.fnscope.query.alerts;

import io.fnscope.query.alerts.channel.Notification;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * What evaluating a budget threshold or a rule found: whether the condition holds, the figures, and the words a
 * notification will carry. The evaluator decides whether it is news (a transition, not muted, not cooling down).
 *
 * @param breached     the condition holds now
 * @param value        the measured value
 * @param threshold    what it is compared with
 * @param linkPath     the UI path to look at (appended to {@code fnscope.alerts.ui-base-url}), or null
 */
record Finding(boolean breached, double value, double threshold, Notification.Severity severity, String title,
               String summary, List<Notification.Fact> facts, List<Notification.Fact> contributors,
               String linkPath) {

    /** Dollars as people read them: cents from $1, more digits below ($0.0042, $0.00001443). */
    static String usd(BigDecimal v) {
        BigDecimal abs = v.abs();
        int scale = abs.compareTo(BigDecimal.ONE) >= 0 ? 2 : abs.compareTo(new BigDecimal("0.01")) >= 0 ? 4 : 8;
        BigDecimal rounded = v.setScale(scale, RoundingMode.HALF_UP);
        if (scale > 2) {
            rounded = rounded.stripTrailingZeros();
            rounded = rounded.scale() < 2 ? rounded.setScale(2, RoundingMode.UNNECESSARY) : rounded;
        }
        return "$" + rounded.toPlainString();
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }

    /** At most two decimals, none when they are zero: 50, 13.08, 0.5. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
