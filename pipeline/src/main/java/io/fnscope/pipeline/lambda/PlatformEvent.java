package io.fnscope.pipeline.lambda;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Optional;

/**
 * One AWS Lambda Telemetry API event, as the Lambda service hands it to an extension: when it happened, its type
 * ({@code platform.report}, {@code platform.initReport}, {@code platform.runtimeDone}, {@code platform.start},
 * {@code function}, {@code extension}, ...) and its record, kept as received (an object for platform events, a
 * string or object for log lines).
 *
 * <p>The typed views ({@link #report()}, {@link #initReport()}, {@link #runtimeDone()}) read the fields fnscope
 * uses; the collector has already checked that a {@code platform.report} carries them.
 *
 * @param time   when the event happened
 * @param type   the Telemetry API event type
 * @param record the event's record, or null when the event had none
 */
public record PlatformEvent(Instant time, String type, JsonNode record) {
    public static final String START = "platform.start";
    public static final String RUNTIME_DONE = "platform.runtimeDone";
    public static final String REPORT = "platform.report";
    public static final String INIT_START = "platform.initStart";
    public static final String INIT_RUNTIME_DONE = "platform.initRuntimeDone";
    public static final String INIT_REPORT = "platform.initReport";
    public static final String RESTORE_REPORT = "platform.restoreReport";

    public PlatformEvent {
        if (time == null) {
            throw new IllegalArgumentException("a platform event needs a time");
        }
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("a platform event needs a type");
        }
    }

    /** The invocation's request id ({@code record.requestId}), or null for events that have none. */
    public String requestId() {
        return text(record, "requestId");
    }

    /** The billing report of one invocation, when this is a {@code platform.report}. */
    public Optional<Report> report() {
        if (!REPORT.equals(type) || record == null) {
            return Optional.empty();
        }
        JsonNode m = record.path("metrics");
        return Optional.of(new Report(text(record, "requestId"), text(record, "status"),
                m.path("durationMs").asDouble(), m.path("billedDurationMs").asDouble(),
                m.path("memorySizeMB").asInt(), m.path("maxMemoryUsedMB").asInt(),
                number(m, "initDurationMs"), number(m, "restoreDurationMs")));
    }

    /** How long initialisation took, when this is a {@code platform.initReport}. */
    public Optional<InitReport> initReport() {
        if (!INIT_REPORT.equals(type) || record == null) {
            return Optional.empty();
        }
        return Optional.of(new InitReport(text(record, "initializationType"), text(record, "phase"),
                text(record, "status"), number(record.path("metrics"), "durationMs")));
    }

    /** The runtime's own end of an invocation, when this is a {@code platform.runtimeDone}. */
    public Optional<RuntimeDone> runtimeDone() {
        if (!RUNTIME_DONE.equals(type) || record == null) {
            return Optional.empty();
        }
        return Optional.of(new RuntimeDone(text(record, "requestId"), text(record, "status"),
                number(record.path("metrics"), "durationMs")));
    }

    /**
     * {@code platform.report}: what one invocation was billed for.
     *
     * @param initDurationMs    present on cold starts only
     * @param restoreDurationMs present on SnapStart restores only
     */
    public record Report(String requestId, String status, double durationMs, double billedDurationMs,
                         int memorySizeMb, int maxMemoryUsedMb, Double initDurationMs, Double restoreDurationMs) {
    }

    /**
     * {@code platform.initReport}.
     *
     * @param initializationType {@code on-demand}, {@code provisioned-concurrency} or {@code snap-start}
     * @param phase              {@code init}, or {@code invoke} when init was retried during an invocation
     */
    public record InitReport(String initializationType, String phase, String status, Double durationMs) {
    }

    /** {@code platform.runtimeDone}. */
    public record RuntimeDone(String requestId, String status, Double durationMs) {
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Double number(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || !v.isNumber() ? null : v.asDouble();
    }
}
