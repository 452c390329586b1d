package io.fnscope.cost;

/**
 * A pricing catalog that cannot be used: missing or unreadable file, invalid YAML, or an entry that fails validation.
 * The message names the file, the entry (position and id) and the field, and says what to write instead. Thrown only
 * while loading (start-up), never while pricing.
 */
public final class PricingCatalogException extends RuntimeException {
    public PricingCatalogException(String message) {
        super(message);
    }

    public PricingCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
