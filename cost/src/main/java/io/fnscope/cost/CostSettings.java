package io.fnscope.cost;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * Cost settings ({@code fnscope.cost.*}); every key is documented in docs/configuration.md.
 *
 * @param catalogFile a YAML pricing catalog (negotiated rates, other regions) merged over the built-in list prices,
 *                    or replacing them with {@code mode: replace}; format in docs/pricing.md. Empty = built-in only.
 *                    Read at start-up: restart to apply a change (the catalog version recorded on rows changes with
 *                    it).
 */
@ConfigurationProperties("fnscope.cost")
public record CostSettings(@Nullable String catalogFile) {
}
