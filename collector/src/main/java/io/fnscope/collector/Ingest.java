package io.fnscope.collector;

import io.fnscope.collector.CollectorMetrics.Transport;
import io.fnscope.collector.RecordAssembler.Part;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.fnscope.pipeline.lambda.LambdaFunction;
import io.fnscope.pipeline.lambda.LambdaPlatformBatch;
import io.fnscope.pipeline.lambda.LambdaPlatformCodec;
import io.fnscope.pipeline.lambda.PlatformEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The collector's engine, the same for every transport: decode, validate, limit, hand to Kafka, answer.
 *
 * <p>Everything up to {@code send()} runs on the calling transport thread and allocates little for valid data
 * (see {@link OtlpScanner}); the answer comes from the Kafka producer's callback. Order of checks, each answered as
 * docs/sending-telemetry.md lists: shutting down, body size, Kafka known down, in-flight budget (all 503 or 413,
 * before decoding); decode (400); items per request (413); rate limit (429); item validation and limits; send (503
 * if Kafka fails). Counting follows {@link CollectorMetrics}.
 */
final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    private final CollectorSettings settings;
    private final OtlpScanner scanner;
    private final ItemFixer fixer;
    private final RateLimiter rateLimiter;
    private final InFlightBudget budget;
    private final KafkaGate gate;
    private final KafkaSink sink;
    private final CollectorMetrics metrics;
    private final Clock clock;
    private volatile boolean draining;

    Ingest(CollectorSettings settings, RateLimiter rateLimiter, InFlightBudget budget, KafkaGate gate, KafkaSink sink,
           CollectorMetrics metrics, Clock clock) {
        this.settings = settings;
        this.scanner = new OtlpScanner(settings, clock);
        this.fixer = new ItemFixer(settings);
        this.rateLimiter = rateLimiter;
        this.budget = budget;
        this.gate = gate;
        this.sink = sink;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * One OTLP export request.
     *
     * @param body protobuf, or OTLP/JSON when {@code json}; already decompressed
     */
    CompletableFuture<Outcome> otlp(String tenant, Signal signal, byte[] body, boolean json, Transport transport) {
        metrics.receivedBytes(transport, signal, body.length);
        Outcome early = admit(body.length);
        if (early != null) {
            return CompletableFuture.completedFuture(early);
        }
        boolean release = true;
        try {
            byte[] protobuf = json ? OtlpJson.toProtobuf(signal, body) : body;
            ScannedRequest req;
            try {
                req = scanner.scan(signal, protobuf);
            } catch (InvalidTelemetryException e) {
                throw new InvalidTelemetryException("the body is not a valid protobuf " + OtlpJson.requestName(signal)
                        + ": " + e.getMessage(), e);
            }
            metrics.received(tenant, signal, req.items);
            Outcome refused = limitRequest(tenant, signal, req.items);
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
            fixer.apply(req);
            List<Part> parts = RecordAssembler.assemble(req, settings.maxRecordBytes());
            metrics.rejected(tenant, signal, req.tally);
            int accepted = req.acceptedItems();
            String noun = plural(signal);
            if (accepted == 0 && req.items > 0) {
                return CompletableFuture.completedFuture(new Outcome.Invalid(
                        "rejected all " + count(req.items, noun) + ": " + req.tally.describeRejections()));
            }
            metrics.limits(tenant, signal, req.tally);
            String message = message(req, noun);
            if (parts.isEmpty()) {
                return CompletableFuture.completedFuture(new Outcome.Accepted(0, 0, message, List.of()));
            }
            release = false;
            return send(tenant, signal, TelemetryHeaders.PROTOBUF, parts, body.length, accepted,
                    req.tally.rejected(), message, List.of());
        } catch (InvalidTelemetryException e) {
            return CompletableFuture.completedFuture(new Outcome.Invalid(e.getMessage()));
        } finally {
            if (release) {
                budget.release(body.length);
            }
        }
    }

    /**
     * One batch of Lambda Telemetry API events from an extension.
     *
     * @param header request header lookup (case-insensitive), for the {@code X-Fnscope-*} function headers
     */
    CompletableFuture<Outcome> lambda(String tenant, Function<String, String> header, byte[] body) {
        Signal signal = Signal.LAMBDA_PLATFORM;
        metrics.receivedBytes(Transport.HTTP, signal, body.length);
        Outcome early = admit(body.length);
        if (early != null) {
            return CompletableFuture.completedFuture(early);
        }
        boolean release = true;
        try {
            LambdaFunction function = LambdaBatchReader.function(header);
            LambdaBatchReader.Batch batch = LambdaBatchReader.events(body, Instant.ofEpochSecond(0, scanner.latestTime()));
            metrics.received(tenant, signal, batch.total());
            Outcome refused = limitRequest(tenant, signal, batch.total());
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
            List<String> errors = new ArrayList<>(batch.errors());
            List<Part> parts = new ArrayList<>();
            int tooLarge = lambdaParts(function, batch.events(), parts, errors);
            int rejected = batch.errors().size();
            metrics.rejected(tenant, signal, Reason.INVALID_EVENT, rejected);
            metrics.rejected(tenant, signal, Reason.TOO_LARGE, tooLarge);
            rejected += tooLarge;
            int accepted = batch.total() - rejected;
            if (accepted == 0 && batch.total() > 0) {
                return CompletableFuture.completedFuture(new Outcome.Invalid(
                        "rejected all " + count(batch.total(), "events") + ": " + summary(errors), errors));
            }
            if (parts.isEmpty()) {
                return CompletableFuture.completedFuture(new Outcome.Accepted(0, 0, null, List.of()));
            }
            String message = rejected == 0 ? null : "rejected " + rejected + " of " + count(batch.total(), "events") + ": " + summary(errors);
            release = false;
            return send(tenant, signal, TelemetryHeaders.JSON, parts, body.length, accepted, rejected, message, errors);
        } catch (InvalidTelemetryException e) {
            return CompletableFuture.completedFuture(new Outcome.Invalid(e.getMessage()));
        } finally {
            if (release) {
                budget.release(body.length);
            }
        }
    }

    int maxRequestBytes() {
        return settings.maxRequestBytes();
    }

    /** Stops taking new requests: they get 503 / UNAVAILABLE; requests already admitted finish. */
    void drain() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** Checks that need no decoding; takes the body's bytes from the in-flight budget when it admits the request. */
    private Outcome admit(int bodyBytes) {
        if (draining) {
            return shuttingDown();
        }
        if (bodyBytes > settings.maxRequestBytes()) {
            return tooLarge(bodyBytes, "after decompression");
        }
        Outcome unavailable = unavailableNow();
        if (unavailable != null) {
            return unavailable;
        }
        if (!budget.tryAcquire(bodyBytes)) {
            return inFlightFull();
        }
        return null;
    }

    /** 503 when Kafka is known down or the collector is draining, else null. Used before reading bodies, too. */
    Outcome unavailableNow() {
        if (draining) {
            return shuttingDown();
        }
        String down = gate.downBecause();
        if (down != null) {
            return new Outcome.Unavailable(settings.retryAfter(), "Kafka is unavailable (" + down
                    + "); nothing was accepted, retry after " + seconds(settings.retryAfter()) + " s");
        }
        if (budget.exhausted()) {
            return inFlightFull();
        }
        return null;
    }

    Outcome tooLarge(long bytes, String measured) {
        return new Outcome.TooLarge("the request body is " + bytes + " bytes " + measured + ", more than the "
                + settings.maxRequestBytes() + " allowed (fnscope.collector.max-request-bytes); export smaller batches");
    }

    private Outcome shuttingDown() {
        return new Outcome.Unavailable(settings.retryAfter(), "the collector is shutting down; retry after "
                + seconds(settings.retryAfter()) + " s");
    }

    private Outcome inFlightFull() {
        return new Outcome.Unavailable(settings.retryAfter(), "the collector has " + budget.max()
                + " bytes waiting for Kafka (fnscope.collector.max-in-flight-bytes); retry after "
                + seconds(settings.retryAfter()) + " s");
    }

    /** Items per request, then the tenant's rate limit; counts the items refused or rejected. */
    private Outcome limitRequest(String tenant, Signal signal, int items) {
        if (items > settings.maxItemsPerRequest()) {
            metrics.rejected(tenant, signal, Reason.TOO_MANY_ITEMS, items);
            return new Outcome.TooLarge("the request holds " + count(items, plural(signal)) + ", more than the "
                    + settings.maxItemsPerRequest() + " allowed (fnscope.collector.max-items-per-request);"
                    + " export smaller batches");
        }
        Duration wait = rateLimiter.tryAcquire(tenant, items);
        if (wait != null) {
            metrics.refused(tenant, signal, CollectorMetrics.RATE_LIMITED, items);
            Duration retry = Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000));
            return new Outcome.RateLimited(retry, "tenant '" + tenant + "' is over its rate limit of "
                    + rateLimiter.rateOf(tenant) + " items/s (fnscope.collector.rate-limit); retry after "
                    + retry.toSeconds() + " s");
        }
        return null;
    }

    private CompletableFuture<Outcome> send(String tenant, Signal signal, String contentType, List<Part> parts,
                                            int bodyBytes, int accepted, int rejected, String message,
                                            List<String> errors) {
        CompletableFuture<Void> sent;
        try {
            sent = sink.send(tenant, signal, contentType, parts, clock.millis());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((ok, error) -> {
            budget.release(bodyBytes);
            if (error == null) {
                metrics.accepted(tenant, signal, accepted);
                return new Outcome.Accepted(accepted, rejected, message, errors);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            metrics.refused(tenant, signal, CollectorMetrics.KAFKA_SEND_FAILED, accepted);
            LOG.debug("Kafka send failed for tenant {}: {}", tenant, cause.toString());
            return new Outcome.Unavailable(settings.retryAfter(), "Kafka did not acknowledge the data ("
                    + cause.getClass().getSimpleName() + "); nothing was accepted, retry after "
                    + seconds(settings.retryAfter()) + " s");
        });
    }

    /**
     * Encodes the kept events as one record, or several when it would exceed max-record-bytes (halving the event
     * list until each part fits). Returns how many events were rejected because even alone they do not fit.
     */
    private int lambdaParts(LambdaFunction function, List<PlatformEvent> events, List<Part> parts, List<String> errors) {
        if (events.isEmpty()) {
            return 0;
        }
        byte[] value = LambdaPlatformCodec.write(new LambdaPlatformBatch(function, events));
        if (value.length <= settings.maxRecordBytes()) {
            parts.add(new Part(value, events.size()));
            return 0;
        }
        if (events.size() == 1) {
            errors.add("an event of type " + events.get(0).type() + " is " + value.length
                    + " bytes, larger than fnscope.collector.max-record-bytes (" + settings.maxRecordBytes() + ")");
            return 1;
        }
        int half = events.size() / 2;
        return lambdaParts(function, events.subList(0, half), parts, errors)
                + lambdaParts(function, events.subList(half, events.size()), parts, errors);
    }

    private static String message(ScannedRequest req, String noun) {
        int rejected = req.tally.rejected();
        String limits = req.tally.describeLimits();
        if (rejected == 0) {
            return limits.isEmpty() ? null : "accepted " + count(req.items, noun) + " with changes: " + limits;
        }
        String m = "rejected " + rejected + " of " + count(req.items, noun) + ": " + req.tally.describeRejections();
        return limits.isEmpty() ? m : m + "; accepted the other " + (req.items - rejected) + " with changes: " + limits;
    }

    /** "1 span", "3 spans". */
    static String count(int n, String plural) {
        return n + " " + (n != 1 ? plural : plural.substring(0, plural.length() - 1));
    }

    private static String summary(List<String> errors) {
        int shown = Math.min(errors.size(), 5);
        String s = String.join("; ", errors.subList(0, shown));
        return errors.size() > shown ? s + "; and " + (errors.size() - shown) + " more" : s;
    }

    static String plural(Signal signal) {
        return switch (signal) {
            case TRACES -> "spans";
            case METRICS -> "data points";
            case LOGS -> "log records";
            case LAMBDA_PLATFORM -> "events";
        };
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
