package io.fnscope.query.alerts.channel;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * error text is scrubbed of the URL, its path, its query and the secret before it leaves, since the HTTP client's
 * own messages or a receiver's response body may quote them.
 *
 * <p>The policy is checked before every attempt, not only when the channel was saved: DNS answers change. And the
 * HTTP client (Apache HttpClient 5, which unlike the JDK's takes a resolver) resolves through
 * {@link OutboundPolicy#connectable}: the addresses it connects to are the ones checked, so a name that answers a
 * public address to the check and an internal one to the connect (DNS rebinding) is refused at the connect.
 * Pooled connections live at most a minute, so a changed answer is checked again soon after.
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
    private final CloseableHttpClient client;

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
        Timeout timeout = Timeout.of(settings.timeout());
        DnsResolver checkedResolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return policy.connectable(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host; // never used for connecting; no reverse lookups
            }
        };
        // HTTP/1.1 (the classic client), one short POST per attempt. No redirects, retries, cookies or compression:
        // each attempt is exactly one request that this class accounts for.
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checkedResolver)
                        .setMaxConnTotal(100)
                        .setMaxConnPerRoute(20)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(timeout)
                                .setSocketTimeout(timeout)
                                .setTimeToLive(TimeValue.ofMinutes(1))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .setUserAgent("fnscope-alerts")
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
        client.close(CloseMode.IMMEDIATE);
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
            if (exchange.refused()) { // the policy, at the connect: the name now answers an internal address
                return finish(channel, n, deliveryId, attempt, started, t0, 0,
                        DeliveryAttempt.Outcome.REFUSED_BY_POLICY, scrub(exchange.error(), channel));
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
        HttpPost request;
        try {
            request = new HttpPost(URI.create(channel.url()));
        } catch (IllegalArgumentException e) {
            return Exchange.fail(0, "the channel URL cannot be posted to (" + e.getClass().getSimpleName() + ")");
        }
        request.setHeader(DELIVERY_HEADER, deliveryId);
        if (channel.kind() == ChannelKind.WEBHOOK && channel.secret() != null) {
            request.setHeader(WebhookSignature.HEADER, WebhookSignature.sign(channel.secret(), body));
            request.setHeader(WebhookSignature.TIMESTAMPED_HEADER,
                    WebhookSignature.signTimestamped(channel.secret(), clock.instant().getEpochSecond(), body));
        }
        request.setEntity(new ByteArrayEntity(body, ContentType.create("application/json")));
        long timeoutMs = settings.timeout().toMillis();
        String timedOut = "timed out after " + timeoutMs + " ms waiting for " + channel.maskedUrl();
        // The client's timeouts bound each step (connect, each read); this bounds the whole exchange, so a receiver
        // dripping its answer byte by byte cannot hold an attempt longer than the timeout either.
        AtomicBoolean late = new AtomicBoolean();
        CompletableFuture<Void> deadline = CompletableFuture.runAsync(() -> {
            late.set(true);
            request.cancel();
        }, CompletableFuture.delayedExecutor(timeoutMs, TimeUnit.MILLISECONDS));
        ClassicHttpResponse response = null;
        try {
            response = client.executeOpen(null, request, null);
            return answer(response, channel);
        } catch (IOException e) {
            return failure(e, late.get(), timedOut, channel);
        } finally {
            deadline.cancel(false);
            closeQuietly(response);
        }
    }

    /** What a response means: its status, and for a failure the first bytes of its body. */
    private static Exchange answer(ClassicHttpResponse response, Channel channel) throws IOException {
        int status = response.getCode();
        byte[] head = firstBytes(response.getEntity());
        if (status >= 200 && status < 300) {
            return new Exchange(status, null, false, null, false);
        }
        String text = "HTTP " + status + " from " + channel.maskedUrl();
        if (status >= 300 && status < 400) {
            return Exchange.fail(status, text + ": redirects are not followed; configure the final URL");
        }
        // One line: a receiver's newlines and control characters must not forge log lines.
        String bodyText = new String(head, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}+", " ").strip();
        if (!bodyText.isEmpty()) {
            text += ": " + bodyText;
        }
        if (status == 429 || status >= 500) {
            return Exchange.retry(status, text, retryAfter(response));
        }
        return Exchange.fail(status, text);
    }

    /** What an I/O failure of an attempt means. */
    private static Exchange failure(IOException e, boolean late, String timedOut, Channel channel) {
        if (e instanceof OutboundPolicy.RefusedAddressException) {
            return Exchange.refusedAtConnect(e.getMessage());
        }
        if (Thread.currentThread().isInterrupted()) {
            return Exchange.fail(0, "interrupted (fnscope shutting down)");
        }
        if (late || e instanceof SocketTimeoutException) { // ConnectTimeoutException is one
            return Exchange.retry(0, timedOut, null);
        }
        if (e instanceof UnknownHostException) {
            return Exchange.retry(0, e.getMessage() == null ? "host does not resolve" : e.getMessage(), null);
        }
        if (e instanceof ConnectException c) { // the client's text repeats the address; keep the why
            String m = c.getMessage() == null ? "" : c.getMessage();
            int why = m.lastIndexOf("failed: ");
            return Exchange.retry(0, "ConnectException: " + (why < 0 ? m : m.substring(why + 8)) + " from "
                    + channel.maskedUrl(), null);
        }
        return Exchange.retry(0, describe(e) + " from " + channel.maskedUrl(), null);
    }

    /** Closes what is left of an answer; the attempt's outcome is decided by then. */
    private static void closeQuietly(ClassicHttpResponse response) {
        if (response == null) {
            return;
        }
        try {
            response.close();
        } catch (IOException ignored) {
            // the connection was aborted (see firstBytes) or broke after the answer was read
        }
    }

    /**
     * The first {@link #ERROR_BODY_BYTES} of a body, not reading further: a receiver cannot flood us. When there
     * may be more, the connection is aborted rather than closed, since closing would read the rest to reuse it.
     */
    private static byte[] firstBytes(HttpEntity entity) throws IOException {
        InputStream in = entity == null ? null : entity.getContent();
        if (in == null) {
            return new byte[0];
        }
        byte[] head = in.readNBytes(ERROR_BODY_BYTES);
        if (head.length == ERROR_BODY_BYTES && in instanceof EofSensorInputStream sensor) {
            sensor.abort();
        } else {
            in.close();
        }
        return head;
    }

    private static Duration retryAfter(ClassicHttpResponse response) {
        Header h = response.getFirstHeader("Retry-After");
        String v = h == null || h.getValue() == null ? "" : h.getValue().strip();
        return v.matches("\\d{1,9}") ? Duration.ofSeconds(Long.parseLong(v)) : null;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /**
     * Removes every form the secrets may take from a text: the URL, its path and query (raw and decoded), and the
     * signing secret. Defence in depth: no message built here contains them, but the HTTP client's and a
     * receiver's texts might.
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

    /** One attempt's result, before it is turned into an outcome. */
    private record Exchange(int status, String error, boolean retryable, Duration retryAfter, boolean refused) {
        static Exchange retry(int status, String error, Duration retryAfter) {
            return new Exchange(status, error, true, retryAfter, false);
        }

        static Exchange fail(int status, String error) {
            return new Exchange(status, error, false, null, false);
        }

        static Exchange refusedAtConnect(String reason) {
            return new Exchange(0, reason, false, null, true);
        }
    }
}
