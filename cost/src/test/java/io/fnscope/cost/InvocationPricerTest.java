package io.fnscope.cost;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.fnscope.cost.TestObjects.AFTER_INIT_BILLING;
import static io.fnscope.cost.TestObjects.BEFORE_INIT_BILLING;
import static io.fnscope.cost.TestObjects.BUILT_IN_VERSION;
import static io.fnscope.cost.TestObjects.INIT_BILLING_STARTS;
import static io.fnscope.cost.TestObjects.PRICER;
import static io.fnscope.cost.TestObjects.USD;
import static io.fnscope.cost.TestObjects.epochMs;
import static io.fnscope.cost.TestObjects.lambda;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Per-invocation costs of the built-in catalog against figures computed by hand from the published formulas
 * (docs/pricing.md). Each expected value is written as the arithmetic that produces it.
 */
class InvocationPricerTest {

    @Nested
    class AwsLambda {
        @Test
        void x86_1024mb_1msBilled() {
            InvocationCost c = PRICER.price(lambda("x86_64", 1024).billedDurationMs(1).build());

            // request: $0.20 / 1M = 0.0000002; duration: 1024/1024 GB x 0.001 s x $0.0000166667 per GB-s
            assertThat(c.requestUsd()).isCloseTo(0.20 / 1_000_000, within(USD));
            assertThat(c.computeUsd()).isCloseTo(1.0 * 0.001 * 0.0000166667, within(USD));
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.0000000166667, within(USD));
            assertThat(c.billedDurationMs()).isEqualTo(1);
            assertThat(c.billedMemoryMb()).isEqualTo(1024);
            assertThat(c.catalogVersion()).isEqualTo(BUILT_IN_VERSION);
            assertThat(c.entryId()).isEqualTo("aws-lambda-x86_64");
            assertThat(c.estimated()).isFalse();
            assertThat(c.flagNames()).isEmpty();
        }

        @Test
        void amountsConvertToPicoDollarsForADecimal18_12Column() {
            InvocationCost c = PRICER.price(lambda("x86_64", 128).billedDurationMs(100).build());

            // $0.00000040833375 = 408,333.75 pico-dollars -> 408,334
            assertThat(InvocationCost.picoUsd(c.totalUsd())).isEqualTo(408_334L);
            // the smallest component fnscope produces, 1 ms at 128 MB: 0.125 x 0.001 x 0.0000166667 = 2,083.3375 p$
            assertThat(InvocationCost.picoUsd(0.125 * 0.001 * 0.0000166667)).isEqualTo(2_083L);
        }

        @Test
        void x86_128mb_100ms() {
            InvocationCost c = PRICER.price(lambda("x86_64", 128).billedDurationMs(100).build());

            // 128/1024 = 0.125 GB x 0.1 s x $0.0000166667 = $0.00000020833375
            assertThat(c.computeUsd()).isCloseTo(0.125 * 0.1 * 0.0000166667, within(USD));
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.00000020833375, within(USD));
        }

        @Test
        void arm64_128mb_100ms() {
            InvocationCost c = PRICER.price(lambda("arm64", 128).billedDurationMs(100).build());

            // 0.125 GB x 0.1 s x $0.0000133334 (arm64, first tier) = $0.0000001666675
            assertThat(c.computeUsd()).isCloseTo(0.125 * 0.1 * 0.0000133334, within(USD));
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.0000001666675, within(USD));
            assertThat(c.entryId()).isEqualTo("aws-lambda-arm64");
        }

        @Test
        void otelArchitectureNamesAndPlatformNamesAreUnderstood() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("aws_lambda", "us-east-1").architecture("amd64")
                    .memoryMb(128).billedDurationMs(100).startEpochMs(AFTER_INIT_BILLING).build());

            assertThat(c.entryId()).isEqualTo("aws-lambda-x86_64");
            assertThat(c.flagNames()).isEmpty();
        }

        @Test
        void initIsFreeBefore2025_08_01() {
            InvocationCost c = PRICER.price(lambda("x86_64", 512).billedDurationMs(200).initDurationMs(250.2)
                    .startEpochMs(BEFORE_INIT_BILLING).build());

            // on-demand ZIP managed-runtime init was not billed: only 0.5 GB x 0.2 s x $0.0000166667
            assertThat(c.initUsd()).isZero();
            assertThat(c.billedInitMs()).isZero();
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.5 * 0.2 * 0.0000166667, within(USD));
            assertThat(c.estimated()).isFalse();
        }

        @Test
        void initIsBilledFrom2025_08_01() {
            InvocationCost after = PRICER.price(lambda("x86_64", 512).billedDurationMs(200).initDurationMs(250.2)
                    .startEpochMs(AFTER_INIT_BILLING).build());

            // init 250.2 ms -> 251 ms (1 ms steps) x 0.5 GB x $0.0000166667 = 0.5 x 0.251 x 0.0000166667
            assertThat(after.billedInitMs()).isEqualTo(251);
            assertThat(after.initUsd()).isCloseTo(0.5 * 0.251 * 0.0000166667, within(USD));
            assertThat(after.totalUsd())
                    .isCloseTo(0.0000002 + 0.5 * 0.2 * 0.0000166667 + 0.0000020916708500, within(USD));

            InvocationCost onTheDay = PRICER.price(lambda("x86_64", 512).billedDurationMs(200).initDurationMs(250.2)
                    .startEpochMs(INIT_BILLING_STARTS).build());
            assertThat(onTheDay.initUsd()).isCloseTo(after.initUsd(), within(USD));
        }

        @Test
        void callerCanSayInitIsBilledBeforeTheDate() {
            // a container image or custom runtime: init was billed before 2025-08-01 too
            InvocationCost c = PRICER.price(lambda("x86_64", 512).billedDurationMs(200).initDurationMs(250.2)
                    .initBilling(InitBilling.BILLED).startEpochMs(BEFORE_INIT_BILLING).build());

            assertThat(c.initUsd()).isCloseTo(0.5 * 0.251 * 0.0000166667, within(USD));
        }

        @Test
        void initAlreadyInTheBilledDurationIsSplitOutNotAddedTwice() {
            // REPORT: Duration 199.6 ms, Init Duration 250.2 ms, Billed Duration 451 ms (init included)
            InvocationCost c = PRICER.price(lambda("x86_64", 512).billedDurationMs(451).initDurationMs(250.2)
                    .initBilling(InitBilling.INCLUDED_IN_BILLED_DURATION).build());

            assertThat(c.billedInitMs()).isEqualTo(251);
            assertThat(c.billedDurationMs()).isEqualTo(200);
            assertThat(c.computeUsd() + c.initUsd()).isCloseTo(0.5 * 0.451 * 0.0000166667, within(USD));
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.5 * 0.451 * 0.0000166667, within(USD));
        }

        @Test
        void ephemeralStorageAbove512mbIsBilledPerGbSecond() {
            InvocationCost c = PRICER.price(lambda("x86_64", 1024).billedDurationMs(1000)
                    .ephemeralStorageMb(10240).build());

            // (10240 - 512) / 1024 = 9.5 GB x 1 s x $0.0000000309 = $0.00000029355
            assertThat(c.storageUsd()).isCloseTo(9.5 * 1.0 * 0.0000000309, within(USD));
            // + request $0.0000002 + duration 1 GB x 1 s x $0.0000166667
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.0000166667 + 0.00000029355, within(USD));

            InvocationCost free = PRICER.price(lambda("x86_64", 1024).billedDurationMs(1000)
                    .ephemeralStorageMb(512).build());
            assertThat(free.storageUsd()).isZero();
        }

        @Test
        void provisionedConcurrencyChargesItsOwnDurationPrice() {
            InvocationCost c = PRICER.price(lambda("x86_64", 1024).billedDurationMs(100).provisioned(true).build());

            // 1 GB x 0.1 s x $0.0000097222 (provisioned duration price, instead of $0.0000166667)
            assertThat(c.computeUsd()).isCloseTo(1.0 * 0.1 * 0.0000097222, within(USD));
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.00000097222, within(USD));
            assertThat(c.estimated()).isFalse();
        }

        @Test
        void provisionedArmWithoutCheckedPricesFallsBackToOnDemandAndSaysSo() {
            InvocationCost c = PRICER.price(lambda("arm64", 1024).billedDurationMs(100).provisioned(true).build());

            assertThat(c.computeUsd()).isCloseTo(1.0 * 0.1 * 0.0000133334, within(USD));
            assertThat(c.flagNames()).containsExactly("PROVISIONED_RATE_MISSING");
        }

        @Test
        void provisionedCapacityIsAPerTimeChargeOfTheFunction() {
            // 10 environments of 1024 MB for one hour: 1 GB x 10 x 3600 s x $0.0000041667
            assertThat(PRICER.provisionedCapacityUsd("aws", "us-east-1", "x86_64", 1024, 10, 3600,
                    AFTER_INIT_BILLING)).hasValueCloseTo(1.0 * 10 * 3600 * 0.0000041667, within(1e-12));
            assertThat(PRICER.provisionedCapacityUsd("aws", "us-east-1", "arm64", 1024, 10, 3600,
                    AFTER_INIT_BILLING)).isEmpty();
        }

        @Test
        void rawDurationsAreRoundedUpTo1msAndSpansMakeAnEstimate() {
            InvocationCost reported = PRICER.price(lambda("x86_64", 128).reportedDurationMs(99.2).build());
            InvocationCost span = PRICER.price(lambda("x86_64", 128).spanDurationMs(99.2).build());

            assertThat(reported.billedDurationMs()).isEqualTo(100);
            assertThat(reported.estimated()).isFalse();
            assertThat(span.billedDurationMs()).isEqualTo(100);
            assertThat(span.totalUsd()).isCloseTo(0.0000002 + 0.125 * 0.1 * 0.0000166667, within(USD));
            assertThat(span.flagNames()).containsExactly("DURATION_FROM_SPAN");
        }

        @Test
        void unlistedRegionIsPricedWithTheDefaultRegionAndFlagged() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("aws", "eu-west-1").architecture("x86_64")
                    .memoryMb(128).billedDurationMs(100).startEpochMs(AFTER_INIT_BILLING).build());

            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.125 * 0.1 * 0.0000166667, within(USD));
            assertThat(c.flagNames()).containsExactly("REGION_FALLBACK");
            assertThat(c.estimated()).isTrue();
        }

        @Test
        void missingMemoryArchitectureAndStartFallBackToDefaultsAndAreFlagged() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("aws", "us-east-1").billedDurationMs(100).build());

            // default memory 128 MB, x86_64, latest entry
            assertThat(c.billedMemoryMb()).isEqualTo(128);
            assertThat(c.totalUsd()).isCloseTo(0.0000002 + 0.125 * 0.1 * 0.0000166667, within(USD));
            assertThat(c.flagNames()).containsExactly("MEMORY_DEFAULTED", "ARCHITECTURE_DEFAULTED",
                    "START_TIME_MISSING");
        }

        @Test
        void memoryOutsideLambdasRangeIsClamped() {
            InvocationCost c = PRICER.price(lambda("x86_64", 20_000).billedDurationMs(100).build());

            assertThat(c.billedMemoryMb()).isEqualTo(10240);
            assertThat(c.computeUsd()).isCloseTo(10.0 * 0.1 * 0.0000166667, within(USD));
            assertThat(c.flagNames()).containsExactly("MEMORY_OUT_OF_RANGE");
        }

        @Test
        void invocationsOlderThanTheCatalogUseItsEarliestEntryFlagged() {
            InvocationCost c = PRICER.price(lambda("x86_64", 128).billedDurationMs(100)
                    .startEpochMs(epochMs("2020-01-01T00:00:00Z")).build());

            assertThat(c.entryId()).isEqualTo("aws-lambda-x86_64");
            assertThat(c.flagNames()).containsExactly("BEFORE_CATALOG");
        }

        @Test
        void noDurationPricesTheRequestOnly() {
            InvocationCost c = PRICER.price(lambda("x86_64", 128).spanDurationMs(Double.NaN).build());

            assertThat(c.totalUsd()).isCloseTo(0.0000002, within(USD));
            assertThat(c.flagNames()).containsExactly("DURATION_MISSING");
        }

        @Test
        void rightSizingPricesTheSameUsageAtAnotherMemorySize() {
            InvocationUsage usage = lambda("x86_64", 1024).billedDurationMs(100).build();

            InvocationCost now = PRICER.price(usage);
            InvocationCost half = PRICER.priceAtMemory(usage, 512);

            // 1 GB x 0.1 s x $0.0000166667 -> 0.5 GB x 0.1 s x $0.0000166667, same request fee
            assertThat(now.computeUsd()).isCloseTo(1.0 * 0.1 * 0.0000166667, within(USD));
            assertThat(half.computeUsd()).isCloseTo(0.5 * 0.1 * 0.0000166667, within(USD));
            assertThat(half.requestUsd()).isEqualTo(now.requestUsd());
            assertThat(half.billedMemoryMb()).isEqualTo(512);
        }
    }

    @Nested
    class AzureConsumption {
        @Test
        void memoryRoundsUpTo128mbAndDurationHasA100msMinimum() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("azure", "eastus").memoryMb(200)
                    .reportedDurationMs(50).startEpochMs(AFTER_INIT_BILLING).build());

            // 200 MB -> 256 MB = 0.25 GB; 50 ms -> 100 ms minimum; 0.25 x 0.1 x $0.000016 = $0.0000004
            assertThat(c.billedMemoryMb()).isEqualTo(256);
            assertThat(c.billedDurationMs()).isEqualTo(100);
            assertThat(c.computeUsd()).isCloseTo(0.25 * 0.1 * 0.000016, within(USD));
            // + $0.20 per 1M executions
            assertThat(c.totalUsd()).isCloseTo(0.0000004 + 0.0000002, within(USD));
            // the built-in Azure price is not tied to a checked region: priced through "*"
            assertThat(c.flagNames()).containsExactly("REGION_FALLBACK");
        }

        @Test
        void longerExecutionsRoundUpTo1ms() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("azure_functions", "westeurope").memoryMb(129)
                    .reportedDurationMs(1000.4).startEpochMs(AFTER_INIT_BILLING).build());

            // 129 MB -> 256 MB; 1000.4 ms -> 1001 ms; 0.25 x 1.001 x $0.000016 = $0.000004004
            assertThat(c.computeUsd()).isCloseTo(0.25 * 1.001 * 0.000016, within(USD));
            assertThat(c.totalUsd()).isCloseTo(0.000004004 + 0.0000002, within(USD));
        }

        @Test
        void memoryAboveTheInstanceIsClamped() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("azure", "eastus").memoryMb(2000)
                    .reportedDurationMs(100).startEpochMs(AFTER_INIT_BILLING).build());

            assertThat(c.billedMemoryMb()).isEqualTo(1536);
            assertThat(c.flagNames()).containsExactly("MEMORY_OUT_OF_RANGE", "REGION_FALLBACK");
        }

        @Test
        void coldStartIsNotChargedSeparately() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("azure", "eastus").memoryMb(128)
                    .reportedDurationMs(100).initDurationMs(3000).startEpochMs(AFTER_INIT_BILLING).build());

            assertThat(c.initUsd()).isZero();
        }
    }

    @Nested
    class CloudRunFunctions {
        @Test
        void oneVcpu512MiB150msRoundsTo200msAndConcurrencySharesTheInstance() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("gcp", "us-central1").memoryMb(512).vcpu(1)
                    .reportedDurationMs(150).concurrency(4).startEpochMs(AFTER_INIT_BILLING).build());

            // 150 ms -> 200 ms; cpu 1 vCPU x 0.2 s x $0.000024 = 0.0000048;
            // memory 0.5 GiB x 0.2 s x $0.0000025 = 0.00000025; instance 0.00000505 shared by 4 = 0.0000012625
            assertThat(c.billedDurationMs()).isEqualTo(200);
            assertThat(c.computeUsd()).isCloseTo((1 * 0.2 * 0.000024 + 0.5 * 0.2 * 0.0000025) / 4, within(USD));
            // + $0.40 per 1M requests, not shared
            assertThat(c.requestUsd()).isCloseTo(0.0000004, within(USD));
            assertThat(c.totalUsd()).isCloseTo(0.0000012625 + 0.0000004, within(USD));
            assertThat(c.vcpu()).isEqualTo(1);
            assertThat(c.flagNames()).containsExactly("SHARED_INSTANCE");
        }

        @Test
        void aloneOnItsInstanceItPaysTheWholeInstance() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("gcp", "us-central1").memoryMb(512).vcpu(1)
                    .reportedDurationMs(150).startEpochMs(AFTER_INIT_BILLING).build());

            assertThat(c.totalUsd()).isCloseTo(0.00000505 + 0.0000004, within(USD));
            assertThat(c.estimated()).isFalse();
        }

        @Test
        void unknownVcpuIsTakenFromTheMemoryTable() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("gcp_cloud_run", "us-central1").memoryMb(512)
                    .reportedDurationMs(150).startEpochMs(AFTER_INIT_BILLING).build());

            // 512 MiB -> .333 vCPU: 0.333 x 0.2 x 0.000024 + 0.5 x 0.2 x 0.0000025 = 0.0000015984 + 0.00000025
            assertThat(c.vcpu()).isEqualTo(0.333);
            assertThat(c.totalUsd()).isCloseTo(0.0000015984 + 0.00000025 + 0.0000004, within(USD));
            assertThat(c.flagNames()).containsExactly("VCPU_FROM_MEMORY");

            // 600 MiB lies between rows: the 1 GiB row's .583 vCPU applies
            assertThat(PRICER.price(InvocationUsage.builder("gcp", "us-central1").memoryMb(600)
                    .reportedDurationMs(150).startEpochMs(AFTER_INIT_BILLING).build()).vcpu()).isEqualTo(0.583);
        }

        @Test
        void startupTimeIsBilledAndNotShared() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("gcp", "us-central1").memoryMb(512).vcpu(1)
                    .reportedDurationMs(150).initDurationMs(1150).concurrency(4).startEpochMs(AFTER_INIT_BILLING)
                    .build());

            // 1150 ms -> 1200 ms x (1 x $0.000024 + 0.5 x $0.0000025) = 1.2 x 0.00002525
            assertThat(c.billedInitMs()).isEqualTo(1200);
            assertThat(c.initUsd()).isCloseTo(1.2 * (0.000024 + 0.5 * 0.0000025), within(USD));
        }

        @Test
        void tier2RegionsArePricedAtTier1AndFlagged() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("gcp", "asia-south1").memoryMb(512).vcpu(1)
                    .reportedDurationMs(150).startEpochMs(AFTER_INIT_BILLING).build());

            assertThat(c.totalUsd()).isCloseTo(0.00000505 + 0.0000004, within(USD));
            assertThat(c.flagNames()).containsExactly("REGION_FALLBACK");
        }
    }

    @Nested
    class BadInput {
        @Test
        void unknownProviderIsZeroAndFlaggedNeverAnException() {
            InvocationCost c = PRICER.price(InvocationUsage.builder("oracle", "us-ashburn-1").memoryMb(128)
                    .reportedDurationMs(100).build());

            assertThat(c.totalUsd()).isZero();
            assertThat(c.flagNames()).containsExactly("UNPRICED");
            assertThat(c.catalogVersion()).isEqualTo(BUILT_IN_VERSION);
            assertThat(c.entryId()).isNull();
        }

        @Test
        void allFieldsMissingOrAbsurdStillPrices() {
            InvocationCost empty = PRICER.price(new InvocationUsage(null, null, null, 0, 0, null, 0, null, 0, false,
                    0, 0, 0));
            assertThat(empty.flagNames()).containsExactly("UNPRICED");

            InvocationCost absurd = PRICER.price(new InvocationUsage("AWS", "US-EAST-1", "SPARC", -5,
                    Double.POSITIVE_INFINITY, null, -1, null, -1, false, -1, Double.NaN, -3));
            assertThat(absurd.entryId()).isEqualTo("aws-lambda-x86_64");
            assertThat(absurd.flagNames()).contains("MEMORY_DEFAULTED", "ARCHITECTURE_DEFAULTED",
                    "START_TIME_MISSING");
            assertThat(absurd.totalUsd()).isNotNaN();
        }
    }
}
