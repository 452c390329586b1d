package io.fnscope.cost;

import io.fnscope.cost.MonthlyPricer.MonthlyCost;
import io.fnscope.cost.MonthlyPricer.MonthlyUsage;
import org.junit.jupiter.api.Test;

import static io.fnscope.cost.TestObjects.BUILT_IN;
import static io.fnscope.cost.TestObjects.BUILT_IN_VERSION;
import static io.fnscope.cost.TestObjects.IN_2026;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Monthly totals through volume tiers and free tiers, against hand-computed figures. */
class MonthlyPricerTest {
    private static final double CENT_FRACTION = 1e-6;
    private final MonthlyPricer pricer = new MonthlyPricer(BUILT_IN);

    private static MonthlyUsage lambda(String arch, long requests, double gbSeconds, boolean free) {
        return new MonthlyUsage("aws", "us-east-1", arch, IN_2026, requests, gbSeconds, 0, 0, free);
    }

    @Test
    void lambdaX86CrossingThe6BillionGbSecondTier() {
        MonthlyCost c = pricer.price(lambda("x86_64", 2_000_000, 7_000_000_000.0, false));

        // first 6B GB-s at $0.0000166667 = 100,000.2; next 1B at $0.000015 = 15,000
        assertThat(c.computeUsd()).isCloseTo(6e9 * 0.0000166667 + 1e9 * 0.000015, within(CENT_FRACTION));
        assertThat(c.computeUsd()).isCloseTo(115_000.2, within(CENT_FRACTION));
        // 2M requests x $0.20 / 1M
        assertThat(c.requestUsd()).isCloseTo(0.40, within(CENT_FRACTION));
        assertThat(c.totalUsd()).isCloseTo(115_000.6, within(CENT_FRACTION));
        assertThat(c.catalogVersion()).isEqualTo(BUILT_IN_VERSION);
        assertThat(c.entryId()).isEqualTo("aws-lambda-x86_64");
    }

    @Test
    void freeTierTakesTheMonthsFirstUnits() {
        MonthlyCost c = pricer.price(lambda("x86_64", 2_000_000, 7_000_000_000.0, true));

        // 115,000.2 - 400,000 free GB-s x $0.0000166667 (= 6.66668)
        assertThat(c.computeUsd()).isCloseTo(115_000.2 - 400_000 * 0.0000166667, within(CENT_FRACTION));
        assertThat(c.computeUsd()).isCloseTo(114_993.53332, within(CENT_FRACTION));
        // (2M - 1M free) x $0.20 / 1M
        assertThat(c.requestUsd()).isCloseTo(0.20, within(CENT_FRACTION));
    }

    @Test
    void exactlyAtTheTierBoundaryEverythingIsFirstTier() {
        assertThat(pricer.price(lambda("x86_64", 0, 6_000_000_000.0, false)).computeUsd())
                .isCloseTo(6e9 * 0.0000166667, within(CENT_FRACTION));
    }

    @Test
    void allThreeX86Tiers() {
        // 6B x 0.0000166667 + 9B x 0.000015 + 5B x 0.0000133334 = 100,000.2 + 135,000 + 66,667
        assertThat(pricer.price(lambda("x86_64", 0, 20_000_000_000.0, false)).computeUsd())
                .isCloseTo(301_667.2, within(CENT_FRACTION));
    }

    @Test
    void arm64HasItsOwnTiers() {
        // 7.5B x 0.0000133334 = 100,000.5; 0.5B x 0.0000120001 = 6,000.05
        assertThat(pricer.price(lambda("arm64", 0, 8_000_000_000.0, false)).computeUsd())
                .isCloseTo(106_000.55, within(CENT_FRACTION));
    }

    @Test
    void usageWithinTheFreeTierCostsNothing() {
        MonthlyCost c = pricer.price(lambda("x86_64", 500_000, 300_000, true));

        assertThat(c.totalUsd()).isZero();
    }

    @Test
    void azureFreeGrant() {
        MonthlyCost c = pricer.price(new MonthlyUsage("azure", "eastus", null, IN_2026, 3_000_000, 1_000_000, 0, 0,
                true));

        // (1,000,000 - 400,000) GB-s x $0.000016 = 9.6; (3M - 1M) x $0.20 / 1M = 0.4
        assertThat(c.computeUsd()).isCloseTo(9.6, within(CENT_FRACTION));
        assertThat(c.requestUsd()).isCloseTo(0.4, within(CENT_FRACTION));
        assertThat(c.totalUsd()).isCloseTo(10.0, within(CENT_FRACTION));
    }

    @Test
    void cloudRunFreeTierPerResource() {
        MonthlyCost c = pricer.price(new MonthlyUsage("gcp", "us-central1", null, IN_2026, 5_000_000, 0, 500_000,
                1_000_000, true));

        // (500,000 - 180,000) vCPU-s x $0.000024 = 7.68; (1,000,000 - 360,000) GiB-s x $0.0000025 = 1.6
        assertThat(c.computeUsd()).isCloseTo(7.68 + 1.6, within(CENT_FRACTION));
        // (5M - 2M) x $0.40 / 1M = 1.2
        assertThat(c.requestUsd()).isCloseTo(1.2, within(CENT_FRACTION));
        assertThat(c.totalUsd()).isCloseTo(10.48, within(CENT_FRACTION));
    }

    @Test
    void unknownProviderIsUnpriced() {
        MonthlyCost c = pricer.price(new MonthlyUsage("ibm", null, null, 0, 1, 1, 0, 0, false));

        assertThat(c.totalUsd()).isZero();
        assertThat(CostFlag.names(c.flags())).containsExactly("UNPRICED");
    }
}
