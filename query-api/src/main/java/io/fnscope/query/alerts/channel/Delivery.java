package io.fnscope.query.alerts.channel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

/**
 * Posts one notification to one channel, retrying what is worth retrying, and reports every attempt to a
 * {@link DeliveryLog}.
 *
 * <p><b>Isolation.</b> Each {@link #send} runs on its own virtual thread, attempts and backoff waits included, so a
 * channel that hangs for its whole timeout four times over delays nobody else, and a wait holds no platform
 * thread. The caller gets a future and never blocks.
 *
 * <p><b>What is retried.</b> Timeouts, connection and I/O errors, 5xx and 429, and a host that does not resolve:
 * all can pass. Other 4xx are not (Slack's 404 {@code no_service}, 403 {@code invalid_token}, 400
 * {@code invalid_blocks} do not heal by waiting), nor are 3xx: redirects are never followed, because a followed
 * redirect would reach an address the {@link OutboundPolicy} never checked. Wait before attempt n+1:
 * {@code min(initialBackoff × 2^(n-1), maxBackoff)}, shortened by a jitter of up to half so that many alerts failing
 * together do not retry together; a {@code Retry-After} in seconds replaces it, capped at {@code maxBackoff}.
 *
 * <p><b>Secrets.</b> The URL (for chat services the credential itself) and the signing secret never reach a log line,
 * an attempt's error or an exception message: errors name the target by {@link Channel#maskedUrl()}, and every
 * error text is scrubbed of the URL, its path, its query and the secret before it leaves, since the JDK's own
 * messages or a receiver's response body may quote them.
 *
 * <p>The policy is checked before every attempt, not only when the channel was saved: DNS answers change.
 */
public final class Delivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    /** Header with the delivery's id: the same for every attempt, so a receiver can de-duplicate retries. */
    public static final String DELIVERY_HEADER = "X-Fnscope-Delivery";
    /** How much of a failed response's body goes into the error text. */
    static final int ERROR_BODY_BYTES = 2048;

    /** A jitter source that never jitters: waits are exactly the backoff (tests). */
    public static final DoubleSupplier NO_JITTER = () -> 0;

    private final DeliverySettings settings;
    private final OutboundPolicy policy;
    private final DeliveryLog log;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final ExecutorService executor;
    private final HttpClient client;

    /** Delivery with the system resolver, the system clock and random jitter. */
    public Delivery(DeliverySettings settings, DeliveryLog log) {
        this(settings, new OutboundPolicy(settings.allow()), log, Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param settings timeouts, attempts, backoff
     * @param policy   which URLs may be posted to (its allow-list wins over {@code settings.allow()})
     * @param log      receives every attempt
     * @param clock    stamps {@link DeliveryAttempt#started()}
     * @param jitter   a number in [0, 1): the fraction of half the backoff to take off; {@link #NO_JITTER} for none
     */
    public Delivery(DeliverySettings settings, OutboundPolicy policy, DeliveryLog log, Clock clock,
                    DoubleSupplier jitter) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fnscope-delivery-", 0).factory());
        // HTTP/1.1: one short POST per attempt; no h2c upgrade dance on allow-listed plain-http receivers.
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .build();
    }

    /** Sends with a new delivery id. */
    public CompletableFuture<DeliveryResult> send(Channel channel, Notification notification) {
        return send(channel, notification, UUID.randomUUID().toString());
    }

    /**
     * Renders the notification in the channel's format and posts it, retrying per the settings; returns at once.
     * The future completes with the final outcome, never exceptionally (a failure is a result).
     *
     * @param deliveryId sent as {@value #DELIVERY_HEADER} on every attempt; a caller that re-sends after a restart
     *                   passes the same id again
     * @throws java.util.concurrent.RejectedExecutionException after {@link #close()}
     */
    public CompletableFuture<DeliveryResult> send(Channel channel, Notification notification, String deliveryId) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(notification, "notification");
        Objects.requireNonNull(deliveryId, "deliveryId");
        return CompletableFuture.supplyAsync(() -> deliver(channel, notification, deliveryId), executor);
    }

    /** Stops all deliveries in flight (their futures complete FAILED, "interrupted") and the HTTP client. */
    @Override
    public void close() {
        executor.shutdownNow();
        client.shutdownNow();
    }

    private DeliveryResult deliver(Channel channel, Notification n, String deliveryId) {
        try {
            return attempts(channel, n, deliveryId);
        } catch (RuntimeException e) {
            // A bug (a format that cannot render, a broken clock): still a result, so callers never see an exception.
            LOG.error("delivery {} to {} failed unexpectedly", deliveryId, channel, e);
            return finish(channel, n, deliveryId, 1, Instant.now(), System.nanoTime(), 0,
                    DeliveryAttempt.Outcome.FAILED, scrub("internal error: " + describe(e), channel));
        }
    }

    private DeliveryResult attempts(Channel channel, Notification n, String deliveryId) {
        byte[] body = ChannelFormat.of(channel.kind()).body(n);
        for (int attempt = 1; ; attempt++) {
            Instant started = clock.instant();
            long t0 = System.nanoTime();
            Exchange exchange;
            OutboundPolicy.Decision decision = policy.check(channel.url());
            if (decision.verdict() == OutboundPolicy.Verdict.REFUSED) {
                return finish(channel, n, deliveryId, attempt, started, t0, 0,
                        DeliveryAttempt.Outcome.REFUSED_BY_POLICY, scrub(decision.reason(), channel));
            } else if (decision.verdict() == OutboundPolicy.Verdict.UNRESOLVED) {
                exchange = Exchange.retry(0, decision.reason(), null);
            } else {
                exchange = post(channel, body, deliveryId);
            }
            if (exchange.status() >= 200 && exchange.status() < 300) {
                return finish(channel, n, deliveryId, attempt, started, t0, exchange.status(),
                        DeliveryAttempt.Outcome.DELIVERED, null);
            }
            String error = scrub(exchange.error(), channel);
            if (!exchange.retryable() || attempt >= settings.maxAttempts()) {
                DeliveryResult r = finish(channel, n, deliveryId, attempt, started, t0, exchange.status(),
                        DeliveryAttempt.Outcome.FAILED, error);
                LOG.warn("alert {} to {} failed after {} attempt(s): {}", n.alertKey(), channel, attempt, error);
                return r;
            }
            record(channel, n, deliveryId, attempt, started, t0, exchange.status(),
                    DeliveryAttempt.Outcome.RETRYING, error);
            try {
                // On a virtual thread: the wait unmounts it and holds no platform thread.
                Thread.sleep(backoff(attempt, exchange.retryAfter()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return finish(channel, n, deliveryId, attempt, clock.instant(), System.nanoTime(), 0,
                        DeliveryAttempt.Outcome.FAILED, "interrupted while waiting to retry (fnscope shutting down)");
            }
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based), before the next. */
    Duration backoff(int attempt, Duration retryAfter) {
        Duration max = settings.maxBackoff();
        if (retryAfter != null) {
            return retryAfter.compareTo(max) > 0 ? max : retryAfter;
        }
        long millis = settings.initialBackoff().toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        millis = Math.min(millis, max.toMillis());
        double u = Math.min(Math.max(jitter.getAsDouble(), 0), 1);
        return Duration.ofMillis(millis - (long) (millis * u / 2));
    }

    private Exchange post(Channel channel, byte[] body, String deliveryId) {
        HttpRequest request;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(channel.url()))
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "fnscope-alerts")
                    .header(DELIVERY_HEADER, deliveryId)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (channel.kind() == ChannelKind.WEBHOOK && channel.secret() != null) {
                b.header(WebhookSignature.HEADER, WebhookSignature.sign(channel.secret(), body));
                b.header(WebhookSignature.TIMESTAMPED_HEADER,
                        WebhookSignature.signTimestamped(channel.secret(), clock.instant().getEpochSecond(), body));
            }
            request = b.build();
        } catch (IllegalArgumentException e) {
            return Exchange.fail(0, "the channel URL cannot be posted to (" + e.getClass().getSimpleName() + ")");
        }
        long timeoutMs = settings.timeout().toMillis();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, Delivery::cappedBody);
        HttpResponse<byte[]> response;
        try {
            // The request timeout covers the wait for response headers; this also bounds reading the body.
            response = future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Exchange.retry(0, "timed out after " + timeoutMs + " ms waiting for " + channel.maskedUrl(), null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return Exchange.fail(0, "interrupted (fnscope shutting down)");
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof HttpTimeoutException) {
                return Exchange.retry(0, "timed out after " + timeoutMs + " ms waiting for " + channel.maskedUrl(),
                        null);
            }
            if (cause instanceof IOException) {
                return Exchange.retry(0, describe(cause) + " from " + channel.maskedUrl(), null);
            }
            return Exchange.fail(0, describe(cause) + " from " + channel.maskedUrl());
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Exchange(status, null, false, null);
        }
        String text = "HTTP " + status + " from " + channel.maskedUrl();
        if (status >= 300 && status < 400) {
            return Exchange.fail(status, text + ": redirects are not followed; configure the final URL");
        }
        // One line: a receiver's newlines and control characters must not forge log lines.
        String bodyText = new String(response.body(), StandardCharsets.UTF_8)
                .replaceAll("\\p{Cntrl}+", " ").strip();
        if (!bodyText.isEmpty()) {
            text += ": " + bodyText;
        }
        if (status == 429 || status >= 500) {
            return Exchange.retry(status, text, retryAfter(response));
        }
        return Exchange.fail(status, text);
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::strip).filter(v -> v.matches("\\d{1,9}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v))).orElse(null);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /**
     * Removes every form the secrets may take from a text: the URL, its path and query (raw and decoded), and the
     * signing secret. Defence in depth: no message built here contains them, but JDK and receiver texts might.
     */
    static String scrub(String text, Channel channel) {
        if (text == null) {
            return null;
        }
        String out = text.replace(channel.url(), channel.maskedUrl());
        if (channel.secret() != null) {
            out = out.replace(channel.secret(), "…");
        }
        try {
            URI u = URI.create(channel.url());
            for (String part : new String[]{u.getRawQuery(), u.getQuery(), u.getRawPath(), u.getPath()}) {
                if (part != null && part.length() > 1) {
                    out = out.replace(part, "…");
                }
            }
        } catch (IllegalArgumentException ignored) {
            // An unparseable URL was refused by the policy; its whole text is already replaced above.
        }
        return out;
    }

    private DeliveryResult finish(Channel channel, Notification n, String deliveryId, int attempt, Instant started,
                                  long t0, int status, DeliveryAttempt.Outcome outcome, String error) {
        record(channel, n, deliveryId, attempt, started, t0, status, outcome, error);
        return new DeliveryResult(deliveryId, channel.id(), outcome, attempt, status, error);
    }

    private void record(Channel channel, Notification n, String deliveryId, int attempt, Instant started, long t0,
                        int status, DeliveryAttempt.Outcome outcome, String error) {
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        try {
            log.attempt(new DeliveryAttempt(n.tenant(), deliveryId, n.alertKey(), channel.id(), channel.kind(),
                    attempt, started, durationMs, status, outcome, error));
        } catch (RuntimeException e) {
            LOG.warn("delivery log failed for attempt {} of {} to {}", attempt, deliveryId, channel, e);
        }
    }

    /** Keeps the first {@link #ERROR_BODY_BYTES} of a body and stops reading there: a receiver cannot flood us. */
    private static HttpResponse.BodySubscriber<byte[]> cappedBody(HttpResponse.ResponseInfo info) {
        return new CappedBody(ERROR_BODY_BYTES);
    }

    /** One attempt's result, before it is turned into an outcome. */
    private record Exchange(int status, String error, boolean retryable, Duration retryAfter) {
        static Exchange retry(int status, String error, Duration retryAfter) {
            return new Exchange(status, error, true, retryAfter);
        }

        static Exchange fail(int status, String error) {
            return new Exchange(status, error, false, null);
        }
    }

    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final byte[] buffer;
        private int size;
        private Flow.Subscription subscription;

        CappedBody(int cap) {
            this.buffer = new byte[cap];
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int n = Math.min(item.remaining(), buffer.length - size);
                item.get(buffer, size, n);
                size += n;
            }
            if (size == buffer.length && !result.isDone()) {
                result.complete(java.util.Arrays.copyOf(buffer, size));
                subscription.cancel();
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(java.util.Arrays.copyOf(buffer, size));
        }
    }
}
