package io.fnscope.cost;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * Throughput of the writer's hot path: {@link InvocationPricer#price} over a mix of invocation rows (Lambda x86 and
 * arm64 warm and cold, provisioned, unlisted regions, Azure, Cloud Run with concurrency, spans, unknown providers).
 * Not a test: run it on a quiet machine (README of the module: RATIONALE.md, "Benchmark").
 *
 * <pre>
 * mvn -B -q install -DskipTests                          # once, at the top
 * mvn -B -q -pl cost test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp cost/target/test-classes:cost/target/classes:$(cat cost/target/cp.txt) \
 *      io.fnscope.cost.InvocationPricerBenchmark
 * </pre>
 * Add {@code -prof gc} style options by running {@code org.openjdk.jmh.Main InvocationPricerBenchmark -prof gc}
 * instead, to see the bytes allocated per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class InvocationPricerBenchmark {
    private static final int ROWS = 1024;

    private InvocationPricer pricer;
    private InvocationUsage[] rows;
    private int next;

    @Setup
    public void setUp() {
        pricer = new InvocationPricer(PricingCatalog.builtIn());
        rows = new InvocationUsage[ROWS];
        long start = TestObjects.AFTER_INIT_BILLING;
        for (int i = 0; i < ROWS; i++) {
            int mem = 128 << (i % 5);
            rows[i] = switch (i % 8) {
                case 0, 1, 2 -> InvocationUsage.builder("aws", "us-east-1").architecture("x86_64").memoryMb(mem)
                        .billedDurationMs(1 + i % 900).startEpochMs(start + i).build();
                case 3 -> InvocationUsage.builder("aws", "eu-west-1").architecture("arm64").memoryMb(mem)
                        .reportedDurationMs(12.7 + i).initDurationMs(i % 16 == 3 ? 310.4 : 0)
                        .ephemeralStorageMb(i % 3 == 0 ? 2048 : 512).startEpochMs(start + i).build();
                case 4 -> InvocationUsage.builder("aws_lambda", "us-east-1").architecture("amd64").memoryMb(mem)
                        .billedDurationMs(40).provisioned(true).startEpochMs(start + i).build();
                case 5 -> InvocationUsage.builder("azure", "eastus").memoryMb(100 + i % 700)
                        .spanDurationMs(3.3 + i).startEpochMs(start + i).build();
                case 6 -> InvocationUsage.builder("gcp", "us-central1").memoryMb(mem).concurrency(1 + i % 8)
                        .reportedDurationMs(150 + i).startEpochMs(start + i).build();
                default -> InvocationUsage.builder(i % 16 == 7 ? "oracle" : "gcp", "asia-south1").memoryMb(mem)
                        .vcpu(1).spanDurationMs(99.9).startEpochMs(start + i).build();
            };
        }
    }

    /** One row of the mix per call, as the writer prices each invocation row. */
    @Benchmark
    public InvocationCost priceMixedRows() {
        InvocationUsage u = rows[next];
        next = (next + 1) & (ROWS - 1);
        return pricer.price(u);
    }

    /** The common case alone: a warm Lambda x86 row with its billed duration. */
    @Benchmark
    public InvocationCost priceWarmLambda() {
        return pricer.price(rows[0]);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(InvocationPricerBenchmark.class.getSimpleName()).build()).run();
    }
}
