package io.fnscope.cost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Shared fixtures of the cost tests. */
final class TestObjects {
    /** The built-in catalog's version: every priced row records it. */
    static final String BUILT_IN_VERSION = "2026.11.0";

    static final long BEFORE_INIT_BILLING = epochMs("2025-07-15T12:00:00Z");
    static final long INIT_BILLING_STARTS = epochMs("2025-08-01T00:00:00Z");
    static final long AFTER_INIT_BILLING = epochMs("2025-09-01T12:00:00Z");
    static final long IN_2026 = epochMs("2026-04-01T00:00:00Z");

    static final PricingCatalog BUILT_IN = PricingCatalog.builtIn();
    static final InvocationPricer PRICER = new InvocationPricer(BUILT_IN);

    /** Tolerance of USD comparisons: far below any price's last digit, far above double rounding. */
    static final double USD = 1e-17;

    private TestObjects() {
    }

    static long epochMs(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    static InvocationUsage.Builder lambda(String arch, int memoryMb) {
        return InvocationUsage.builder("aws", "us-east-1").architecture(arch).memoryMb(memoryMb)
                .startEpochMs(AFTER_INIT_BILLING);
    }

    static Path write(Path dir, String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
