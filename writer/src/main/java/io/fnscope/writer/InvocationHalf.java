package io.fnscope.writer;

import io.fnscope.cost.InvocationCost;

/**
 * One half of an invocation row ({@code invocations}, 0110_invocations.sql): what the invocation's span knows, or
 * what the platform report knows. Each half is inserted as its own row under the same key (tenant, function,
 * invocation id); the table's aggregate functions merge the halves in whatever order they arrive. So a field a half
 * does not know stays at the value that loses the merge: empty string, zero, NULL, {@code unknown} status.
 *
 * <p>Mutable and reused by an encoder: {@link #reset()} before each row.
 */
final class InvocationHalf {
    static final int STATUS_UNKNOWN = 0;
    static final int STATUS_OK = 1;
    static final int STATUS_ERROR = 2;
    static final int STATUS_TIMEOUT = 3;
    /** A Nullable integer column that this half leaves NULL. */
    static final long NONE = -1;

    String tenant;
    String function;
    String invocationId;
    long startNanos;
    String provider;
    String region;
    String architecture;
    String functionVersion;
    String service;
    String trigger;
    String route;
    byte[] traceId;
    byte[] spanId;
    long memoryMb;
    // Nullable columns: NONE / NaN = NULL (not known to this half); primitives keep the hot path free of boxing.
    long spanDurationNs;
    double durationMs;
    long billedDurationMs;
    double initDurationMs;
    boolean coldStart;
    int status;
    String errorMessage;
    long maxMemoryUsedMb;
    InvocationCost estimate;
    InvocationCost exact;
    boolean hasSpan;
    boolean hasReport;

    void reset() {
        tenant = "";
        function = "";
        invocationId = "";
        startNanos = 0;
        provider = "";
        region = "";
        architecture = "";
        functionVersion = "";
        service = "";
        trigger = "";
        route = "";
        traceId = null;
        spanId = null;
        memoryMb = 0;
        spanDurationNs = NONE;
        durationMs = Double.NaN;
        billedDurationMs = NONE;
        initDurationMs = Double.NaN;
        coldStart = false;
        status = STATUS_UNKNOWN;
        errorMessage = "";
        maxMemoryUsedMb = NONE;
        estimate = null;
        exact = null;
        hasSpan = false;
        hasReport = false;
    }

    /** Appends the row to the block (every column, then the row count). */
    void write(TableBuffer.Invocations b) {
        b.tenant.string(tenant);
        b.function.string(function);
        b.invocationId.string(invocationId);
        b.startTime.u64(startNanos);
        b.provider.string(provider);
        b.region.string(region);
        b.architecture.string(architecture);
        b.functionVersion.string(functionVersion);
        b.service.string(service);
        b.trigger.string(trigger);
        b.route.string(route);
        Ids.write(b.traceId, traceId, Ids.TRACE_ID_BYTES);
        Ids.write(b.spanId, spanId, Ids.SPAN_ID_BYTES);
        b.memoryMb.u32(Math.min(memoryMb, 0xFFFF_FFFFL));
        if (spanDurationNs < 0) {
            b.spanDurationNs.nullValue();
        } else {
            b.spanDurationNs.value().u64(spanDurationNs);
        }
        nullableFloat64(b.durationMs, durationMs);
        nullableUInt32(b.billedDurationMs, billedDurationMs);
        nullableFloat64(b.initDurationMs, initDurationMs);
        b.coldStart.u8(coldStart ? 1 : 0);
        b.status.u8(status);
        b.errorMessage.string(errorMessage);
        nullableUInt32(b.maxMemoryUsedMb, maxMemoryUsedMb);
        cost(b.costEstimateUsd, estimate);
        cost(b.costExactUsd, exact);
        int flags = (estimate == null ? 0 : estimate.flags()) | (exact == null ? 0 : exact.flags());
        b.costFlags.u32(flags & 0xFFFF_FFFFL);
        InvocationCost priced = exact != null ? exact : estimate;
        b.catalogVersion.string(priced == null || priced.catalogVersion() == null ? "" : priced.catalogVersion());
        b.hasSpan.u8(hasSpan ? 1 : 0);
        b.hasReport.u8(hasReport ? 1 : 0);
        b.row();
    }

    private static void nullableUInt32(NativeColumn.Nullable c, long v) {
        if (v < 0) {
            c.nullValue();
        } else {
            c.value().u32(Math.min(v, 0xFFFF_FFFFL));
        }
    }

    private static void nullableFloat64(NativeColumn.Nullable c, double v) {
        if (Double.isNaN(v)) {
            c.nullValue();
        } else {
            c.value().f64(v);
        }
    }

    /** Decimal(18, 12) holds an Int64 of pico-dollars. */
    private static void cost(NativeColumn.Nullable c, InvocationCost cost) {
        if (cost == null) {
            c.nullValue();
        } else {
            c.value().u64(InvocationCost.picoUsd(cost.totalUsd()));
        }
    }
}
