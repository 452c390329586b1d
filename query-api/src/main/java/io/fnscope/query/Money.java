package io.fnscope.query;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * USD amounts as the API returns them: {@link BigDecimal}s at ClickHouse's scale (12 decimals, pico-dollars; see
 * cost/RATIONALE.md), trailing zeros stripped. Sums are exact; only divisions (cost per request, per invocation)
 * round, half-even, to 12 decimals.
 */
final class Money {
    static final int SCALE = 12;

    private Money() {
    }

    static BigDecimal of(BigDecimal v) {
        if (v == null) {
            return null;
        }
        BigDecimal s = v.setScale(SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return s.signum() == 0 ? BigDecimal.ZERO : s;
    }

    static BigDecimal of(double usd) {
        return of(BigDecimal.valueOf(usd));
    }

    static BigDecimal divide(BigDecimal amount, long by) {
        if (amount == null || by <= 0) {
            return null;
        }
        return of(amount.divide(BigDecimal.valueOf(by), SCALE, RoundingMode.HALF_EVEN));
    }

    static BigDecimal sum(BigDecimal a, BigDecimal b) {
        return a == null ? b : b == null ? a : a.add(b);
    }
}
