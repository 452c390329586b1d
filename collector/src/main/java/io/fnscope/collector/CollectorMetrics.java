package io.fnscope.collector;

import io.fnscope.pipeline.Signal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The collector's Prometheus metrics ({@code /metrics}). Names below are as Prometheus shows them.
 *
 * <h2>Items: what adds up</h2>
 * Every item (span, metric data point, log record, Lambda event) of a request that authenticated and decoded is
 * counted once in {@code fnscope_collector_items_received_total{tenant,signal}} and, when the request is answered,
 * in exactly one of:
 * <ul>
 *   <li>{@code fnscope_collector_items_accepted_total{tenant,signal}}: acknowledged by Kafka;</li>
 *   <li>{@code fnscope_collector_items_rejected_total{tenant,signal,reason}}: invalid, never retried by the exporter
 *       ({@link Reason} tags, e.g. {@code invalid_trace_id}, {@code too_many_items});</li>
 *   <li>{@code fnscope_collector_items_refused_total{tenant,signal,reason}}: refused for now with 429/503
 *       ({@code rate_limited}, or {@code kafka_send_failed} when Kafka did not acknowledge them); the exporter sends
 *       them again, so they may later count as received again.</li>
 * </ul>
 * So {@code received = accepted + rejected + refused} for each tenant and signal once no request is in flight.
 * Requests answered before their items are decoded (401, 403, 415, 413 by size, 503 while Kafka is known down,
 * the in-flight budget is spent or the collector shuts down) and bodies that do not decode (400) have no item count:
 * they appear only in {@code fnscope_collector_requests_total{transport,signal,outcome}}.
 *
 * <h2>Other series</h2>
 * <ul>
 *   <li>{@code fnscope_collector_requests_total{transport,signal,outcome}}: every answered request; outcome is
 *       {@code ok}, {@code partial}, {@code invalid}, {@code unauthenticated}, {@code forbidden}, {@code too_large},
 *       {@code unsupported_media_type}, {@code rate_limited}, {@code unavailable} or {@code error}.</li>
 *   <li>{@code fnscope_collector_request_duration_seconds{transport,signal}}: histogram, from the request reaching the
 *       collector's code to its answer (includes the Kafka acknowledgement).</li>
 *   <li>{@code fnscope_collector_received_bytes_total{transport,signal}}: request bodies after decompression.</li>
 *   <li>{@code fnscope_collector_limits_applied_total{tenant,signal,kind}}: changes made to accepted data
 *       ({@link LimitKind} tags: one per attribute dropped, value truncated, event/link/exemplar dropped...).</li>
 *   <li>{@code fnscope_collector_kafka_records_total{signal}}, {@code fnscope_collector_kafka_record_bytes_total{signal}}:
 *       records acknowledged and their value bytes; {@code fnscope_collector_kafka_send_duration_seconds{signal}}:
 *       send to acknowledgement; {@code fnscope_collector_kafka_send_errors_total{signal,error}}: failed records by
 *       exception class.</li>
 *   <li>{@code fnscope_collector_in_flight_bytes}: request bytes accepted and not yet acknowledged;
 *       {@code fnscope_collector_in_flight_limit_bytes}: its bound.</li>
 * </ul>
 */
final class CollectorMetrics {
    enum Transport {
        HTTP("http"), GRPC("grpc");

        final String tag;

        Transport(String tag) {
            this.tag = tag;
        }
    }

    /** Retryable refusals (counted as refused items). */
    static final String RATE_LIMITED = "rate_limited";
    static final String KAFKA_SEND_FAILED = "kafka_send_failed";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    CollectorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void inFlight(Supplier<Number> used, long limit) {
        Gauge.builder("fnscope.collector.in.flight.bytes", used)
                .description("Request bytes accepted and not yet acknowledged by Kafka").baseUnit("bytes")
                .strongReference(true).register(registry);
        Gauge.builder("fnscope.collector.in.flight.limit.bytes", () -> limit)
                .description("fnscope.collector.max-in-flight-bytes").baseUnit("bytes").register(registry);
    }

    void request(Transport transport, Signal signal, String outcome, long nanos) {
        counter("fnscope.collector.requests", "Requests answered, by outcome",
                "transport", transport.tag, "signal", signal.id(), "outcome", outcome).increment();
        timers.computeIfAbsent(transport.tag + '|' + signal.id(), k -> Timer.builder("fnscope.collector.request.duration")
                        .description("Time from request to answer, Kafka acknowledgement included")
                        .tags("transport", transport.tag, "signal", signal.id())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void receivedBytes(Transport transport, Signal signal, long bytes) {
        counter("fnscope.collector.received.bytes", "Request body bytes after decompression",
                "transport", transport.tag, "signal", signal.id()).increment(bytes);
    }

    void received(String tenant, Signal signal, int items) {
        if (items > 0) {
            counter("fnscope.collector.items.received", "Items in decoded requests",
                    "tenant", tenant, "signal", signal.id()).increment(items);
        }
    }

    void accepted(String tenant, Signal signal, int items) {
        if (items > 0) {
            counter("fnscope.collector.items.accepted", "Items acknowledged by Kafka",
                    "tenant", tenant, "signal", signal.id()).increment(items);
        }
    }

    void rejected(String tenant, Signal signal, Reason reason, int items) {
        if (items > 0) {
            counter("fnscope.collector.items.rejected", "Invalid items, not to be retried",
                    "tenant", tenant, "signal", signal.id(), "reason", reason.tag).increment(items);
        }
    }

    void rejected(String tenant, Signal signal, Tally tally) {
        if (tally.rejected() == 0) {
            return;
        }
        for (Reason r : Reason.values()) {
            rejected(tenant, signal, r, tally.rejected(r));
        }
    }

    void refused(String tenant, Signal signal, String reason, int items) {
        if (items > 0) {
            counter("fnscope.collector.items.refused", "Items refused for now (429/503); the exporter retries them",
                    "tenant", tenant, "signal", signal.id(), "reason", reason).increment(items);
        }
    }

    void limits(String tenant, Signal signal, Tally tally) {
        if (tally.limits() == 0) {
            return;
        }
        for (LimitKind k : LimitKind.values()) {
            int n = tally.limit(k);
            if (n > 0) {
                counter("fnscope.collector.limits.applied", "Changes made to accepted data to keep it within limits",
                        "tenant", tenant, "signal", signal.id(), "kind", k.tag).increment(n);
            }
        }
    }

    void kafkaSent(Signal signal, int bytes, long nanos) {
        counter("fnscope.collector.kafka.records", "Records acknowledged by Kafka", "signal", signal.id()).increment();
        counter("fnscope.collector.kafka.record.bytes", "Value bytes of records acknowledged by Kafka",
                "signal", signal.id()).increment(bytes);
        timers.computeIfAbsent("kafka|" + signal.id(), k -> Timer.builder("fnscope.collector.kafka.send.duration")
                        .description("From send() to the acknowledgement").tags("signal", signal.id())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void kafkaSendFailed(Signal signal, Throwable error) {
        counter("fnscope.collector.kafka.send.errors", "Records Kafka did not acknowledge, by exception",
                "signal", signal.id(), "error", error.getClass().getSimpleName()).increment();
    }

    private Counter counter(String name, String description, String... tags) {
        StringBuilder key = new StringBuilder(name);
        for (String t : tags) {
            key.append('|').append(t);
        }
        return counters.computeIfAbsent(key.toString(),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

}
