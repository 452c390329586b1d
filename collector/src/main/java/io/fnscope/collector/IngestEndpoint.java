package io.fnscope.collector;

import io.fnscope.pipeline.Signal;

/** The collector's HTTP endpoints on the OTLP port, and the signal each receives. */
enum IngestEndpoint {
    TRACES("/v1/traces", Signal.TRACES),
    METRICS("/v1/metrics", Signal.METRICS),
    LOGS("/v1/logs", Signal.LOGS),
    LAMBDA("/v1/lambda/telemetry", Signal.LAMBDA_PLATFORM);

    final String path;
    final Signal signal;

    IngestEndpoint(String path, Signal signal) {
        this.path = path;
        this.signal = signal;
    }

    static IngestEndpoint of(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (IngestEndpoint e : values()) {
            if (e.path.equals(p)) {
                return e;
            }
        }
        return null;
    }

    boolean lambda() {
        return this == LAMBDA;
    }
}
