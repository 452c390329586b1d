package io.fnscope.cost;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Builds the cost beans from {@link CostSettings}: the catalog (built-in list prices plus
 * {@code fnscope.cost.catalog-file}), the per-invocation pricer and the monthly pricer. The classes themselves are
 * plain Java; this is the only Micronaut-aware part. A bad catalog file fails start-up with a message naming the
 * file, entry and field: pricing every row with a half-read catalog would be worse.
 */
@Factory
class CostFactory {
    private static final Logger LOG = LoggerFactory.getLogger(CostFactory.class);

    @Singleton
    PricingCatalog pricingCatalog(CostSettings settings) {
        String file = settings.catalogFile();
        Path override = file == null || file.isBlank() ? null : Path.of(file.trim());
        PricingCatalog catalog = PricingCatalog.load(override);
        LOG.info("Pricing catalog {}: {} entries{}", catalog.version(), catalog.entries().size(),
                override == null ? " (built-in list prices)" : " (built-in list prices with " + override + ")");
        return catalog;
    }

    @Singleton
    InvocationPricer invocationPricer(PricingCatalog catalog) {
        return new InvocationPricer(catalog);
    }

    @Singleton
    MonthlyPricer monthlyPricer(PricingCatalog catalog) {
        return new MonthlyPricer(catalog);
    }
}
