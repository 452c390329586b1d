package io.fnscope.pipeline;

import java.util.Locale;

/**
 * The kinds of telemetry that travel through fnscope. Each has its own Kafka topic and its own payload format
 * (see {@link TelemetryHeaders#CONTENT_TYPE}).
 */
public enum Signal {
    /** OTLP {@code ExportTraceServiceRequest}, protobuf. */
    TRACES("traces"),
    /** OTLP {@code ExportMetricsServiceRequest}, protobuf. */
    METRICS("metrics"),
    /** OTLP {@code ExportLogsServiceRequest}, protobuf. */
    LOGS("logs"),
    /** AWS Lambda Telemetry API event batch (a JSON array of platform events) plus the function it came from. */
    LAMBDA_PLATFORM("lambda-platform");

    private final String id;

    Signal(String id) {
        this.id = id;
    }

    /** The lower-case name used in topic names, headers and metric tags. */
    public String id() {
        return id;
    }

    public static Signal fromId(String id) {
        for (Signal s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown signal '" + id + "'; expected one of traces, metrics, logs, lambda-platform");
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
