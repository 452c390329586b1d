package io.fnscope.writer;

import com.fasterxml.jackson.databind.JsonNode;
import io.fnscope.cost.DurationSource;
import io.fnscope.cost.InitBilling;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.cost.InvocationUsage;
import io.fnscope.pipeline.lambda.LambdaFunction;
import io.fnscope.pipeline.lambda.LambdaPlatformBatch;
import io.fnscope.pipeline.lambda.PlatformEvent;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a Lambda platform batch (one record of the {@code lambda-platform} topic) into
 * {@code lambda_platform_events} rows (every event, its record as JSON text) and the report halves of
 * {@code invocations} rows.
 *
 * <h2>Report halves</h2>
 * The batch's events are grouped by {@code requestId}, in the order the requests first appear:
 * <ul>
 *   <li>{@code platform.report}: duration, billed duration, memory size, max memory used, init duration (present
 *   only on a cold start, so it sets {@code cold_start}), status (success → ok, error/failure → error, timeout →
 *   timeout) and its {@code errorType};</li>
 *   <li>{@code platform.start}: the start time, and the X-Ray header ({@code tracing.value}) whose root is the trace
 *   id;</li>
 *   <li>{@code platform.runtimeDone}: the status when no report is in the batch.</li>
 * </ul>
 * The start time is the {@code platform.start} time when the batch has it, else the report's time minus its
 * duration. Function, version, region and architecture come from the batch's function block (the account id has no
 * column yet). The exact cost is priced from the billed duration ({@link DurationSource#BILLED}); on a cold start
 * whose billed duration already covers duration + init, init is not added again
 * ({@link InitBilling#INCLUDED_IN_BILLED_DURATION}).
 *
 * <p>A request with a start or runtimeDone but no report in this batch still gets a row, with neither
 * {@code has_span} nor {@code has_report} set: it adds the start time, trace id and status to the invocation when
 * the report arrives in a later batch, and the per-minute roll-up ignores it until then.
 *
 * <p>Not thread-safe; one per writer thread.
 */
final class PlatformRows {
    private static final String PROVIDER = "aws";

    private final InvocationPricer pricer;
    private final InvocationHalf half = new InvocationHalf();

    PlatformRows(InvocationPricer pricer) {
        this.pricer = pricer;
    }

    record Counts(int events, int invocations) {
    }

    /** What the batch says about one request id. */
    private static final class Request {
        PlatformEvent start;
        PlatformEvent runtimeDone;
        PlatformEvent report;
    }

    Counts write(String tenant, LambdaPlatformBatch batch, TableBuffer.PlatformEvents events,
                 TableBuffer.Invocations invocations) {
        LambdaFunction fn = batch.function();
        String region = nullToEmpty(fn.region());
        String logStream = nullToEmpty(fn.logStream());
        Map<String, Request> requests = new LinkedHashMap<>();
        for (PlatformEvent e : batch.events()) {
            String requestId = e.requestId();
            events.tenant.string(tenant);
            events.function.string(fn.name());
            events.time.u64(nanos(e.time()));
            events.type.string(e.type());
            events.requestId.string(requestId == null ? "" : requestId);
            events.region.string(region);
            events.logStream.string(logStream);
            events.record.string(e.record() == null ? "" : e.record().toString());
            events.row();
            if (requestId == null || requestId.isEmpty()) {
                continue;
            }
            switch (e.type()) {
                case PlatformEvent.START -> requests.computeIfAbsent(requestId, k -> new Request()).start = e;
                case PlatformEvent.RUNTIME_DONE -> requests.computeIfAbsent(requestId, k -> new Request()).runtimeDone = e;
                case PlatformEvent.REPORT -> requests.computeIfAbsent(requestId, k -> new Request()).report = e;
                default -> {
                }
            }
        }
        int rows = 0;
        for (Map.Entry<String, Request> r : requests.entrySet()) {
            writeInvocation(invocations, tenant, fn, r.getKey(), r.getValue());
            rows++;
        }
        return new Counts(batch.events().size(), rows);
    }

    private void writeInvocation(TableBuffer.Invocations out, String tenant, LambdaFunction fn, String requestId,
                                 Request r) {
        InvocationHalf h = half;
        h.reset();
        h.tenant = tenant;
        h.function = fn.name();
        h.invocationId = requestId;
        h.provider = PROVIDER;
        h.region = nullToEmpty(fn.region());
        h.architecture = nullToEmpty(fn.architecture());
        h.functionVersion = nullToEmpty(fn.version());
        h.memoryMb = fn.memoryMb() == null ? 0 : fn.memoryMb();

        String tracing = r.start != null ? tracing(r.start) : null;
        if (tracing == null && r.report != null) {
            tracing = tracing(r.report);
        }
        if (tracing == null && r.runtimeDone != null) {
            tracing = tracing(r.runtimeDone);
        }
        h.traceId = Ids.xrayTraceId(tracing);

        PlatformEvent.Report report = r.report == null ? null : r.report.report().orElse(null);
        if (r.start != null) {
            h.startNanos = nanos(r.start.time());
        } else if (report != null) {
            h.startNanos = nanos(r.report.time()) - Math.round(report.durationMs() * 1e6);
        } else {
            Double ms = r.runtimeDone.runtimeDone().map(PlatformEvent.RuntimeDone::durationMs).orElse(null);
            h.startNanos = nanos(r.runtimeDone.time()) - (ms == null ? 0 : Math.round(ms * 1e6));
        }

        if (report != null) {
            h.hasReport = true;
            h.durationMs = report.durationMs();
            long billed = (long) Math.ceil(report.billedDurationMs());
            h.billedDurationMs = billed;
            if (report.memorySizeMb() > 0) {
                h.memoryMb = report.memorySizeMb();
            }
            h.maxMemoryUsedMb = report.maxMemoryUsedMb();
            Double init = report.initDurationMs();
            if (init != null) {
                h.initDurationMs = init;
                h.coldStart = true;
            }
            h.status = status(report.status());
            h.errorMessage = errorType(r.report);
            double initMs = init == null ? 0 : init;
            InitBilling initBilling = init != null && billed >= report.durationMs() + initMs
                    ? InitBilling.INCLUDED_IN_BILLED_DURATION : InitBilling.AUTO;
            h.exact = pricer.price(new InvocationUsage(PROVIDER, fn.region(), fn.architecture(),
                    (int) h.memoryMb, billed, DurationSource.BILLED, initMs, initBilling,
                    h.startNanos / 1_000_000L, false, 0, 0, 1));
        }
        if (h.status == InvocationHalf.STATUS_UNKNOWN && r.runtimeDone != null) {
            h.status = status(r.runtimeDone.runtimeDone().map(PlatformEvent.RuntimeDone::status).orElse(null));
            if (h.errorMessage.isEmpty()) {
                h.errorMessage = errorType(r.runtimeDone);
            }
        }
        h.write(out);
    }

    /** Telemetry API status to the invocation status. */
    static int status(String s) {
        if (s == null) {
            return InvocationHalf.STATUS_UNKNOWN;
        }
        return switch (s) {
            case "success" -> InvocationHalf.STATUS_OK;
            case "error", "failure" -> InvocationHalf.STATUS_ERROR;
            case "timeout" -> InvocationHalf.STATUS_TIMEOUT;
            default -> InvocationHalf.STATUS_UNKNOWN;
        };
    }

    private static String errorType(PlatformEvent e) {
        JsonNode t = e.record() == null ? null : e.record().get("errorType");
        return t == null || t.isNull() ? "" : t.asText();
    }

    private static String tracing(PlatformEvent e) {
        JsonNode t = e.record() == null ? null : e.record().get("tracing");
        if (t == null || !t.isObject()) {
            return null;
        }
        JsonNode v = t.get("value");
        return v == null || v.isNull() ? null : v.asText();
    }

    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
