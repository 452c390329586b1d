package io.fnscope.cost;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A unit price with monthly volume tiers and a monthly free allowance, e.g. Lambda x86 duration: $0.0000166667 per
 * GB-s for the first 6B GB-s of a month, $0.000015 for the next 9B, $0.0000133334 above 15B; 400,000 GB-s free.
 *
 * <p>Per-invocation pricing uses only {@link #listPrice()} (the first tier): tiers and free allowances apply to a
 * month's total per account (Lambda: per architecture and region), which one invocation cannot know.
 * {@link #monthlyCost} applies both to a month's total.
 */
public final class TieredRate {
    /**
     * One tier.
     *
     * @param upTo  cumulative monthly quantity where this tier ends; {@link Double#POSITIVE_INFINITY} for the last
     * @param price USD per unit within this tier
     */
    public record Tier(double upTo, double price) {
    }

    private final double[] upTo;
    private final double[] price;
    private final double freePerMonth;
    private final List<String> sources;

    TieredRate(double[] upTo, double[] price, double freePerMonth, List<String> sources) {
        this.upTo = upTo.clone();
        this.price = price.clone();
        this.freePerMonth = freePerMonth;
        this.sources = List.copyOf(sources);
    }

    static TieredRate flat(double price, double freePerMonth, List<String> sources) {
        return new TieredRate(new double[]{Double.POSITIVE_INFINITY}, new double[]{price}, freePerMonth, sources);
    }

    /** The first tier's price: what one invocation is charged at. */
    public double listPrice() {
        return price[0];
    }

    public double freePerMonth() {
        return freePerMonth;
    }

    public List<Tier> tiers() {
        List<Tier> tiers = new ArrayList<>(price.length);
        for (int i = 0; i < price.length; i++) {
            tiers.add(new Tier(upTo[i], price[i]));
        }
        return Collections.unmodifiableList(tiers);
    }

    /** Pages the figures were read from (the entry's own source when the block names none). */
    public List<String> sources() {
        return sources;
    }

    /**
     * USD for a month's total quantity. Each unit is charged at the price of the tier it falls in; with the free tier,
     * the first {@link #freePerMonth()} units of the month are the free ones (they lie within the first tier, so this
     * equals Cloud Run's "spending-based discount at tier 1 prices" too).
     */
    public double monthlyCost(double quantity, boolean applyFreeTier) {
        if (!(quantity > 0)) {
            return 0;
        }
        double cost = throughTiers(quantity);
        if (applyFreeTier && freePerMonth > 0) {
            cost -= throughTiers(Math.min(quantity, freePerMonth));
        }
        return cost;
    }

    private double throughTiers(double quantity) {
        double cost = 0;
        double from = 0;
        for (int i = 0; i < price.length && quantity > from; i++) {
            double to = Math.min(quantity, upTo[i]);
            cost += (to - from) * price[i];
            from = upTo[i];
        }
        return cost;
    }
}
