package io.fnscope.cost;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.fnscope.cost.TestObjects.AFTER_INIT_BILLING;
import static io.fnscope.cost.TestObjects.BUILT_IN_VERSION;
import static io.fnscope.cost.TestObjects.USD;
import static io.fnscope.cost.TestObjects.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

/** The Micronaut wiring: beans built from {@code fnscope.cost.*}. */
class CostFactoryTest {
    @TempDir
    Path dir;

    /** A context without the Kafka-dependent roles: only the cost beans are asked for. */
    private static ApplicationContext context(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(Map.of(
                "fnscope.collector.enabled", false,
                "fnscope.writer.enabled", false,
                "fnscope.query.enabled", false,
                "fnscope.kafka.embedded.enabled", false,
                "micronaut.health.monitor.enabled", false));
        props.putAll(extra);
        return ApplicationContext.run(props);
    }

    @Test
    void builtInCatalogByDefault() {
        try (ApplicationContext ctx = context(Map.of())) {
            InvocationPricer pricer = ctx.getBean(InvocationPricer.class);
            InvocationCost c = pricer.price(InvocationUsage.builder("aws", "us-east-1").architecture("x86_64")
                    .memoryMb(128).billedDurationMs(100).startEpochMs(AFTER_INIT_BILLING).build());

            assertThat(c.catalogVersion()).isEqualTo(BUILT_IN_VERSION);
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.125 * 0.1 * 0.0000166667, within(USD));
            assertThat(ctx.getBean(MonthlyPricer.class)).isNotNull();
            assertThat(ctx.getBean(PricingCatalog.class)).isSameAs(pricer.catalog());
        }
    }

    @Test
    void catalogFileIsMergedOverTheBuiltInPrices() {
        Path file = write(dir, "acme.yaml", """
                version: acme-1
                entries:
                  - id: acme-lambda-x86
                    extends: aws-lambda-x86_64
                    source: ACME agreement
                    duration: {price: 0.00001}
                """);
        try (ApplicationContext ctx = context(Map.of("fnscope.cost.catalog-file", file.toString()))) {
            InvocationCost c = ctx.getBean(InvocationPricer.class).price(InvocationUsage.builder("aws", "us-east-1")
                    .architecture("x86_64").memoryMb(1024).billedDurationMs(100).startEpochMs(AFTER_INIT_BILLING)
                    .build());

            assertThat(c.catalogVersion()).isEqualTo("2026.11.0+acme-1");
            assertThat(c.entryId()).isEqualTo("acme-lambda-x86");
            assertThat(c.computeUsd()).isCloseTo(1.0 * 0.1 * 0.00001, within(USD));
        }
    }

    @Test
    void badCatalogFileFailsWithTheLoadersMessage() {
        Path file = write(dir, "bad.yaml", "version: v1\nentries:\n  - id: x\n    provider: ibm\n");
        try (ApplicationContext ctx = context(Map.of("fnscope.cost.catalog-file", file.toString()))) {
            Throwable t = catchThrowable(() -> ctx.getBean(InvocationPricer.class));
            Throwable root = t;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertThat(root).isInstanceOf(PricingCatalogException.class).hasMessage("Pricing catalog " + file
                    + " (fnscope.cost.catalog-file): entry #1 (id 'x'), field 'provider': expected aws, azure or gcp"
                    + " (the billing models fnscope knows), got \"ibm\"");
        }
    }
}
