package io.fnscope.collector;

import java.time.Duration;
import java.util.List;

/** How the collector answers one request; each transport maps it to its status codes (docs/sending-telemetry.md). */
sealed interface Outcome {
    /** Metric tag of {@code fnscope_collector_requests_total{outcome}}. */
    String tag();

    /**
     * Accepted, wholly or partly: HTTP 200 / gRPC OK with partial success when {@code rejected > 0} or a message
     * (a warning about changed data) is present.
     *
     * @param accepted items now in Kafka
     * @param rejected items rejected as invalid
     * @param message  what was rejected or changed, or null
     * @param errors   per-item details (Lambda events only; empty for OTLP)
     */
    record Accepted(int accepted, int rejected, String message, List<String> errors) implements Outcome {
        public String tag() {
            return rejected > 0 ? "partial" : "ok";
        }
    }

    /** 400 / INVALID_ARGUMENT: the request cannot be used, and retrying it will not help. */
    record Invalid(String message, List<String> errors) implements Outcome {
        Invalid(String message) {
            this(message, List.of());
        }

        public String tag() {
            return "invalid";
        }
    }

    /** 413 / RESOURCE_EXHAUSTED without RetryInfo: too big; the exporter must send smaller batches. */
    record TooLarge(String message) implements Outcome {
        public String tag() {
            return "too_large";
        }
    }

    /** 429 / RESOURCE_EXHAUSTED with RetryInfo: the tenant is over its rate limit. */
    record RateLimited(Duration retryAfter, String message) implements Outcome {
        public String tag() {
            return "rate_limited";
        }
    }

    /** 503 / UNAVAILABLE with RetryInfo: cannot hand the data to Kafka now; nothing was kept, retry. */
    record Unavailable(Duration retryAfter, String message) implements Outcome {
        public String tag() {
            return "unavailable";
        }
    }
}
