package io.fnscope.cost;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static io.fnscope.cost.TestObjects.AFTER_INIT_BILLING;
import static io.fnscope.cost.TestObjects.BUILT_IN;
import static io.fnscope.cost.TestObjects.BUILT_IN_VERSION;
import static io.fnscope.cost.TestObjects.IN_2026;
import static io.fnscope.cost.TestObjects.USD;
import static io.fnscope.cost.TestObjects.epochMs;
import static io.fnscope.cost.TestObjects.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

class PricingCatalogTest {
    @TempDir
    Path dir;

    @Nested
    class BuiltIn {
        @Test
        void hasAVersionAndAnEntryPerProviderAndArchitecture() {
            assertThat(BUILT_IN.version()).isEqualTo(BUILT_IN_VERSION);
            assertThat(BUILT_IN.entries()).extracting(PriceEntry::id).containsExactly("aws-lambda-x86_64",
                    "aws-lambda-arm64", "azure-functions-consumption", "gcp-cloud-run-tier1");
        }

        @Test
        void everyFigureCitesAnHttpsSource() {
            for (PriceEntry e : BUILT_IN.entries()) {
                assertThat(e.sources()).as(e.id()).containsKeys("entry", "billing", "memory", "requests");
                e.sources().forEach((block, urls) ->
                        assertThat(urls).as(e.id() + " " + block).isNotEmpty()
                                .allMatch(u -> u.startsWith("https://")));
            }
            PriceEntry x86 = BUILT_IN.find(Provider.AWS, "us-east-1", Architecture.X86_64, AFTER_INIT_BILLING);
            assertThat(x86.sources().get("init"))
                    .containsExactly("https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/");
            assertThat(x86.sources().get("duration")).containsExactly("https://aws.amazon.com/lambda/pricing/");
        }

        @Test
        void exposesTheTierTableAndFreeTier() {
            PriceEntry x86 = BUILT_IN.find(Provider.AWS, "us-east-1", Architecture.X86_64, AFTER_INIT_BILLING);
            assertThat(x86.duration().tiers()).containsExactly(
                    new TieredRate.Tier(6_000_000_000.0, 0.0000166667),
                    new TieredRate.Tier(15_000_000_000.0, 0.000015),
                    new TieredRate.Tier(Double.POSITIVE_INFINITY, 0.0000133334));
            assertThat(x86.duration().freePerMonth()).isEqualTo(400_000);
            assertThat(x86.requests().freePerMonth()).isEqualTo(1_000_000);
            assertThat(x86.initBilledFromMs()).isEqualTo(epochMs("2025-08-01T00:00:00Z"));
            assertThat(x86.effectiveFrom()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));

            PriceEntry arm = BUILT_IN.find(Provider.AWS, "us-east-1", Architecture.ARM64, AFTER_INIT_BILLING);
            assertThat(arm.duration().tiers()).extracting(TieredRate.Tier::upTo)
                    .containsExactly(7_500_000_000.0, 18_750_000_000.0, Double.POSITIVE_INFINITY);
        }

        @Test
        void regionNamesCompareWithoutCaseAndSpaces() {
            assertThat(BUILT_IN.find(Provider.GCP, "US-Central1", Architecture.X86_64, IN_2026).regions())
                    .contains("us-central1");
            assertThat(PricingCatalog.normalizeRegion("East US")).isEqualTo("eastus");
            String lower = "us-east-1";
            assertThat(PricingCatalog.normalizeRegion(lower)).isSameAs(lower);
        }
    }

    @Nested
    class Overrides {
        static final String NEGOTIATED = """
                version: acme-2026-03
                entries:
                  - id: acme-lambda-x86
                    extends: aws-lambda-x86_64      # everything else as the list price
                    regions: ["*"]                  # the rate holds in every region
                    effective-from: 2026-03-01
                    source: "ACME / AWS private pricing addendum, March 2026"
                    duration: {price: 0.000012}
                """;

        @Test
        void negotiatedRateReplacesTheListPriceFromItsDate() {
            PricingCatalog catalog = PricingCatalog.load(write(dir, "acme.yaml", NEGOTIATED));
            InvocationPricer pricer = new InvocationPricer(catalog);
            InvocationUsage.Builder usage = InvocationUsage.builder("aws", "us-east-1").architecture("x86_64")
                    .memoryMb(1024).billedDurationMs(100);

            InvocationCost negotiated = pricer.price(usage.startEpochMs(IN_2026).build());
            // 1 GB x 0.1 s x $0.000012 (negotiated) + $0.0000002 request (inherited from the list price)
            assertThat(negotiated.totalUsd()).isCloseTo(0.0000002 + 1.0 * 0.1 * 0.000012, within(USD));
            assertThat(negotiated.entryId()).isEqualTo("acme-lambda-x86");
            assertThat(negotiated.catalogVersion()).isEqualTo("2026.11.0+acme-2026-03");
            assertThat(negotiated.flagNames()).isEmpty();

            // before the agreement: the built-in list price
            InvocationCost before = pricer.price(usage.startEpochMs(epochMs("2026-02-01T00:00:00Z")).build());
            assertThat(before.totalUsd()).isCloseTo(0.0000002 + 1.0 * 0.1 * 0.0000166667, within(USD));
            assertThat(before.entryId()).isEqualTo("aws-lambda-x86_64");

            // in a region the built-in catalog does not list, the user's "*" is not a fallback
            InvocationCost frankfurt = pricer.price(InvocationUsage.builder("aws", "eu-central-1")
                    .architecture("x86_64").memoryMb(1024).billedDurationMs(100).startEpochMs(IN_2026).build());
            assertThat(frankfurt.entryId()).isEqualTo("acme-lambda-x86");
            assertThat(frankfurt.flagNames()).isEmpty();

            // arm64 keeps the list price
            InvocationCost arm = pricer.price(usage.architecture("arm64").startEpochMs(IN_2026).build());
            assertThat(arm.entryId()).isEqualTo("aws-lambda-arm64");
        }

        @Test
        void aPriceChangeIsANewEntryWithALaterEffectiveDate() {
            PricingCatalog catalog = PricingCatalog.load(write(dir, "change.yaml", """
                    version: "2027.1"
                    entries:
                      - id: azure-2027
                        extends: azure-functions-consumption
                        effective-from: 2027-01-01
                        duration: {price: 0.000018, free-per-month: 400000}
                    """));
            InvocationPricer pricer = new InvocationPricer(catalog);
            InvocationUsage.Builder usage = InvocationUsage.builder("azure", "eastus").memoryMb(256)
                    .reportedDurationMs(1000);

            // 0.25 GB x 1 s x $0.000016 in 2026, x $0.000018 from 2027-01-01
            assertThat(pricer.price(usage.startEpochMs(epochMs("2026-12-31T23:59:59Z")).build()).computeUsd())
                    .isCloseTo(0.25 * 1 * 0.000016, within(USD));
            assertThat(pricer.price(usage.startEpochMs(epochMs("2027-01-01T00:00:00Z")).build()).computeUsd())
                    .isCloseTo(0.25 * 1 * 0.000018, within(USD));
        }

        @Test
        void replaceModeKeepsOnlyTheUsersEntries() {
            PricingCatalog catalog = PricingCatalog.load(write(dir, "only-aws.yaml", """
                    version: acme-only
                    mode: replace
                    entries:
                      - id: acme-lambda
                        provider: aws
                        regions: ["*"]
                        architectures: ["*"]
                        effective-from: 2024-01-01
                        source: ACME contract 42
                        billing: {step-ms: 1}
                        memory: {default-mb: 128, min-mb: 128, max-mb: 10240}
                        requests: {per-million: 0.15}
                        duration: {price: 0.00001}
                    """));
            InvocationPricer pricer = new InvocationPricer(catalog);

            assertThat(catalog.version()).isEqualTo("acme-only");
            assertThat(catalog.entries()).extracting(PriceEntry::id).containsExactly("acme-lambda");
            InvocationCost arm = pricer.price(InvocationUsage.builder("aws", "us-east-1").architecture("arm64")
                    .memoryMb(1024).billedDurationMs(100).startEpochMs(IN_2026).build());
            // $0.15 / 1M + 1 GB x 0.1 s x $0.00001
            assertThat(arm.totalUsd()).isCloseTo(0.00000015 + 0.000001, within(USD));
            // the user's catalog prices no Azure: zero, flagged, no exception
            InvocationCost azure = pricer.price(InvocationUsage.builder("azure", "eastus").memoryMb(128)
                    .reportedDurationMs(100).startEpochMs(IN_2026).build());
            assertThat(azure.totalUsd()).isZero();
            assertThat(azure.flagNames()).containsExactly("UNPRICED");
            assertThat(azure.catalogVersion()).isEqualTo("acme-only");
        }

        @Test
        void anEntryWithABuiltInIdReplacesThatEntry() {
            PricingCatalog catalog = PricingCatalog.load(write(dir, "same-id.yaml", """
                    version: v2
                    entries:
                      - id: gcp-cloud-run-tier1
                        extends: gcp-cloud-run-tier1
                        requests: {per-million: 0.30}
                    """));

            assertThat(catalog.entries()).filteredOn(e -> e.id().equals("gcp-cloud-run-tier1")).singleElement()
                    .satisfies(e -> {
                        assertThat(e.layer()).isEqualTo(PriceEntry.Layer.OVERRIDE);
                        assertThat(e.requests().listPrice()).isCloseTo(0.30 / 1_000_000, within(USD));
                    });
        }
    }

    @Nested
    class BadFiles {
        private PricingCatalogException loadFails(String yaml) {
            Path file = write(dir, "bad.yaml", yaml);
            return (PricingCatalogException) catchThrowable(() -> PricingCatalog.load(file));
        }

        private String where() {
            return "Pricing catalog " + dir.resolve("bad.yaml") + " (fnscope.cost.catalog-file): ";
        }

        @Test
        void aPriceThatIsNotANumberNamesFileEntryAndField() {
            PricingCatalogException e = loadFails("""
                    version: v1
                    entries:
                      - id: acme
                        extends: aws-lambda-x86_64
                        duration:
                          tiers:
                            - {up-to: 6_000_000_000, price: cheap}
                            - {price: 0.00001}
                    """);

            assertThat(e).hasMessage(where() + "entry #1 (id 'acme'), field 'duration.tiers[0].price': expected a"
                    + " number from 0 to 1 (USD per GB-second), got \"cheap\"");
        }

        @Test
        void aMisspeltFieldIsRejectedNotIgnored() {
            PricingCatalogException e = loadFails("""
                    version: v1
                    entries:
                      - id: acme
                        extends: aws-lambda-x86_64
                        durations: {price: 0.00001}
                    """);

            assertThat(e).hasMessageStartingWith(where() + "entry #1 (id 'acme'), field 'durations': unknown field;"
                    + " the fields allowed here are architectures, billing, cpu, duration,");
        }

        @Test
        void missingFileSaysWhichSettingPointsToIt() {
            Path missing = dir.resolve("nope.yaml");
            assertThatThrownBy(() -> PricingCatalog.load(missing)).isInstanceOf(PricingCatalogException.class)
                    .hasMessage("Pricing catalog " + missing + " (fnscope.cost.catalog-file) does not exist. Fix the"
                            + " path, or unset fnscope.cost.catalog-file (FNSCOPE_COST_CATALOG_FILE) to use the"
                            + " built-in list prices.");
        }

        @Test
        void invalidYaml() {
            assertThat(loadFails("version: v1\nentries: [ {id: a\n")).hasMessageStartingWith(
                    "Pricing catalog " + dir.resolve("bad.yaml") + " (fnscope.cost.catalog-file) is not valid YAML: ");
        }

        @Test
        void duplicateKeys() {
            assertThat(loadFails("version: v1\nversion: v2\nentries: []\n"))
                    .hasMessageContaining("found duplicate key version");
        }

        @Test
        void missingVersion() {
            assertThat(loadFails("entries: []\n")).hasMessage(where() + "field 'version': required, missing: write a"
                    + " version of letters, digits, '.', '_', '+' and '-' (e.g. 2026.11.0)");
        }

        @Test
        void unknownMode() {
            assertThat(loadFails("version: v1\nmode: overwrite\nentries: []\n")).hasMessage(where()
                    + "field 'mode': expected 'merge' (your entries win over the built-in ones, which stay as"
                    + " fallback) or 'replace' (only your entries are used), got \"overwrite\"");
        }

        @Test
        void unknownProvider() {
            assertThat(loadFails("""
                    version: v1
                    entries:
                      - id: oci
                        provider: oracle
                    """)).hasMessage(where() + "entry #1 (id 'oci'), field 'provider': expected aws, azure or gcp"
                    + " (the billing models fnscope knows), got \"oracle\"");
        }

        @Test
        void tiersOutOfOrder() {
            assertThat(loadFails("""
                    version: v1
                    entries:
                      - id: acme
                        extends: aws-lambda-x86_64
                        duration:
                          tiers:
                            - {up-to: 15_000_000_000, price: 0.000015}
                            - {up-to: 6_000_000_000, price: 0.0000166667}
                            - {price: 0.0000133334}
                    """)).hasMessage(where() + "entry #1 (id 'acme'), field 'duration.tiers[1].up-to': tiers must be in"
                    + " ascending order: this tier ends at 6000000000, not above where the previous one ends"
                    + " (15000000000)");
        }

        @Test
        void lastTierWithAnEnd() {
            assertThat(loadFails("""
                    version: v1
                    entries:
                      - id: acme
                        extends: aws-lambda-x86_64
                        duration:
                          tiers:
                            - {up-to: 6_000_000_000, price: 0.0000166667}
                    """)).hasMessage(where() + "entry #1 (id 'acme'), field 'duration.tiers[0].up-to': not allowed"
                    + " here: the last tier has no end; remove its 'up-to'");
        }

        @Test
        void extendsAnUnknownEntry() {
            assertThat(loadFails("""
                    version: v1
                    entries:
                      - id: acme
                        extends: aws-lambda
                    """)).hasMessage(where() + "entry #1 (id 'acme'), field 'extends': no built-in entry has id"
                    + " 'aws-lambda'; the built-in ids are aws-lambda-x86_64, aws-lambda-arm64,"
                    + " azure-functions-consumption, gcp-cloud-run-tier1");
        }

        @Test
        void badDate() {
            assertThat(loadFails("""
                    version: v1
                    entries:
                      - id: acme
                        extends: aws-lambda-x86_64
                        effective-from: next monday
                    """)).hasMessage(where() + "entry #1 (id 'acme'), field 'effective-from': expected a date like"
                    + " 2025-08-01 (UTC) or an instant like 2025-08-01T00:00:00Z, got \"next monday\"");
        }

        @Test
        void twoEntriesForTheSameInvocationsFromTheSameDate() {
            assertThat(loadFails("""
                    version: v1
                    entries:
                      - id: a
                        extends: aws-lambda-x86_64
                      - id: b
                        extends: aws-lambda-x86_64
                    """)).hasMessageStartingWith(where() + "entry #2 (id 'b'), prices the same aws region 'us-east-1'"
                    + " and architecture x86_64 as entry 'a'");
        }

        @Test
        void awsEntryWithoutArchitectures() {
            assertThat(loadFails("""
                    version: v1
                    entries:
                      - id: acme
                        provider: aws
                        regions: ["*"]
                        effective-from: 2026-01-01
                        source: contract
                    """)).hasMessage(where() + "entry #1 (id 'acme'), field 'architectures': required, missing: AWS"
                    + " Lambda prices duration by architecture; write [x86_64], [arm64] or [\"*\"]");
        }

        @Test
        void topLevelNotAMapping() {
            assertThat(loadFails("- just\n- a list\n")).hasMessage(where()
                    + "expected a mapping with 'version' and 'entries' at the top, got a list");
        }
    }
}
