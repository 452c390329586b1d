package io.fnscope.query;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * What the query API may be asked and what each answer may cost ({@code fnscope.query.*}). Every key is documented,
 * with its default, under "Query API" in docs/configuration.md.
 *
 * @param enabled        run the query API in this process (the {@code api} listener and its beans)
 * @param httpPort       port of the {@code api} listener (REST API, OpenAPI document)
 * @param defaultRange   time range of a request that names neither {@code from} nor {@code to}: the last this-long
 * @param maxRange       longest {@code to - from} of requests answered from the roll-ups (functions, timeseries,
 *                       cost by function/service/trigger, service map)
 * @param maxSearchRange longest {@code to - from} of requests that read raw spans (trace search, cost by route)
 * @param defaultLimit   traces per page of a search that names no {@code limit}
 * @param maxLimit       largest {@code limit} of a search
 * @param maxTraceSpans  most spans returned for one trace; beyond it the trace is cut and flagged {@code truncated}
 * @param maxPoints      most buckets of a timeseries ({@code (to - from) / step})
 * @param queryTimeout   ClickHouse {@code max_execution_time} of every statement the API runs
 * @param maxMemory      ClickHouse {@code max_memory_usage} of every statement the API runs, in bytes
 * @param maxAttributionTraces most traces (entry and downstream) that cost per request ({@code groupBy=route})
 *                       attributes in one answer; beyond it the answer is flagged {@code truncated}
 * @param rightSizingHeadroom memory kept above the highest memory used when suggesting a smaller memory size
 *                       (0.2 = 20 %)
 * @param maxConcurrentStatements most statements the API runs in ClickHouse at once; more wait their turn, in
 *                       order. Below the embedded engine's connections, so that the writer always has one: 32
 *                       searches at once took the writer's freshness from p99 0.6 s to 7 s before this bound
 * @param queueTimeout   longest wait for a turn; then 503 with Retry-After
 * @param transaction    bounds of a business transaction (transactions endpoint and cost per request)
 */
@ConfigurationProperties("fnscope.query")
public record QuerySettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "8080") int httpPort,
        @Bindable(defaultValue = "1h") @NotNull Duration defaultRange,
        @Bindable(defaultValue = "31d") @NotNull Duration maxRange,
        @Bindable(defaultValue = "1d") @NotNull Duration maxSearchRange,
        @Bindable(defaultValue = "20") @Min(1) int defaultLimit,
        @Bindable(defaultValue = "1000") @Min(1) @Max(100_000) int maxLimit,
        @Bindable(defaultValue = "10000") @Min(1) int maxTraceSpans,
        @Bindable(defaultValue = "1440") @Min(1) int maxPoints,
        @Bindable(defaultValue = "10s") @NotNull Duration queryTimeout,
        @Bindable(defaultValue = "1GB") @ReadableBytes @Min(1024 * 1024) long maxMemory,
        @Bindable(defaultValue = "1000000") @Min(1) int maxAttributionTraces,
        @Bindable(defaultValue = "0.2") @DecimalMin("0") @DecimalMax("10") double rightSizingHeadroom,
        @Bindable(defaultValue = "3") @Min(1) int maxConcurrentStatements,
        @Bindable(defaultValue = "10s") @NotNull Duration queueTimeout,
        @Nullable Transaction transaction) {

    public QuerySettings {
        transaction = transaction == null ? Transaction.DEFAULT : transaction;
        if (defaultLimit > maxLimit) {
            throw new IllegalArgumentException("fnscope.query.default-limit (" + defaultLimit
                    + ") must not exceed fnscope.query.max-limit (" + maxLimit + ")");
        }
        if (defaultRange.compareTo(maxSearchRange) > 0 || defaultRange.compareTo(maxRange) > 0) {
            throw new IllegalArgumentException("fnscope.query.default-range (" + defaultRange
                    + ") must not exceed fnscope.query.max-range or fnscope.query.max-search-range");
        }
    }

    /** The defaults, for tests and benchmarks that build the stores without Micronaut. */
    public static QuerySettings defaults() {
        return new QuerySettings(true, 8080, Duration.ofHours(1), Duration.ofDays(31), Duration.ofDays(1), 20, 1000,
                10_000, 1440, Duration.ofSeconds(10), 1L << 30, 1_000_000, 0.2, 3, Duration.ofSeconds(10),
                Transaction.DEFAULT);
    }

    /**
     * How far a business transaction is followed from the trace it was asked for (through span links and messaging
     * hops, both directions). Beyond any bound the answer is cut and says which bound cut it.
     *
     * @param maxDepth  most hops between traces away from the trace asked for
     * @param maxTraces most traces in one transaction
     * @param window    how far before the first and after the last span of the trace asked for a connected trace
     *                  may lie; also how long after an entry request its downstream traces count toward cost per
     *                  request
     * @param maxSpans  most spans loaded for one transaction, all traces together
     */
    @ConfigurationProperties("transaction")
    public record Transaction(
            @Bindable(defaultValue = "10") @Min(1) int maxDepth,
            @Bindable(defaultValue = "100") @Min(1) int maxTraces,
            @Bindable(defaultValue = "1h") @NotNull Duration window,
            @Bindable(defaultValue = "20000") @Min(1) int maxSpans) {
        public static final Transaction DEFAULT = new Transaction(10, 100, Duration.ofHours(1), 20_000);
    }
}
