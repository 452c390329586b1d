package io.fnscope.query;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The transaction labeller's share of a core ({@link TransactionLabeller.Budget}), on a hand-moved clock. */
class LabellerBudgetTest {
    static final long S = 1_000_000_000L;

    @Test
    void aQuarterOfACoreAccruesAQuarterSecondPerSecondUpToAMinutesWorth() {
        TransactionLabeller.Budget b = new TransactionLabeller.Budget(0.25, 0);
        assertThat(b.available(0)).isTrue(); // starts with the full 15 s
        b.spend(20 * S); // one flush took 20 s: 5 s in debt
        assertThat(b.available(10 * S)).isFalse(); // 2.5 s back after 10 s: still 2.5 s short
        assertThat(b.available(21 * S)).isTrue(); // 0.25 s ahead after 21 s
        b.spend(S);
        assertThat(b.available(21 * S)).isFalse();
        assertThat(b.available(1_000 * S)).isTrue(); // a long idle stretch
        b.spend(15 * S);
        assertThat(b.available(1_000 * S)).isFalse(); // ... saves up no more than 15 s
    }
}
