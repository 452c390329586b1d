package io.fnscope.query.alerts.channel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.fnscope.query.alerts.channel.ChannelFixtures.FAST;
import static io.fnscope.query.alerts.channel.ChannelFixtures.SECRET;
import static io.fnscope.query.alerts.channel.ChannelFixtures.channel;
import static io.fnscope.query.alerts.channel.ChannelFixtures.firing;
import static io.fnscope.query.alerts.channel.DeliveryAttempt.Outcome.DELIVERED;
import static io.fnscope.query.alerts.channel.DeliveryAttempt.Outcome.FAILED;
import static io.fnscope.query.alerts.channel.DeliveryAttempt.Outcome.REFUSED_BY_POLICY;
import static io.fnscope.query.alerts.channel.DeliveryAttempt.Outcome.RETRYING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries, timeouts, redirects, the policy and isolation against real loopback receivers. Backoff is 10 ms doubling
 * to 40 ms without jitter, so a delivery with every retry still takes well under a second.
 */
class DeliveryTest {
    private final List<DeliveryAttempt> attempts = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private Receiver receiver(java.util.function.IntFunction<Receiver.Reply> script) throws IOException {
        Receiver r = new Receiver(script);
        closing.add(r);
        return r;
    }

    private Delivery delivery(DeliverySettings settings) {
        Delivery d = ChannelFixtures.delivery(settings, attempts::add);
        closing.add(d);
        return d;
    }

    private static DeliveryResult await(CompletableFuture<DeliveryResult> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    private List<DeliveryAttempt.Outcome> outcomes() {
        return attempts.stream().map(DeliveryAttempt::outcome).toList();
    }

    @Test
    void retriesServerErrorsUntilDelivered() throws Exception {
        Receiver slack = receiver(n -> n <= 2 ? Receiver.Reply.status(500, "oops") : Receiver.Reply.status(200, "ok"));

        DeliveryResult r = await(delivery(FAST).send(channel(ChannelKind.SLACK, slack.url(), null), firing(), "d-1"));

        assertThat(r).isEqualTo(new DeliveryResult("d-1", "ch-slack", DELIVERED, 3, 200, null));
        assertThat(outcomes()).containsExactly(RETRYING, RETRYING, DELIVERED);
        assertThat(attempts).extracting(DeliveryAttempt::attempt).containsExactly(1, 2, 3);
        assertThat(attempts).extracting(DeliveryAttempt::status).containsExactly(500, 500, 200);
        assertThat(attempts).allSatisfy(a -> {
            assertThat(a.deliveryId()).isEqualTo("d-1");
            assertThat(a.tenant()).isEqualTo("acme");
            assertThat(a.alertKey()).isEqualTo("budget:payments:month:0.8");
            assertThat(a.channelId()).isEqualTo("ch-slack");
            assertThat(a.kind()).isEqualTo(ChannelKind.SLACK);
        });
        assertThat(attempts.getFirst().error()).isEqualTo("HTTP 500 from http://127.0.0.1:" + port(slack) + "/…: oops");
        // Every attempt carries the same delivery id and the same body, so a receiver can de-duplicate.
        assertThat(slack.requests).extracting(q -> q.header(Delivery.DELIVERY_HEADER)).containsOnly("d-1");
        assertThat(slack.requests).extracting(Receiver.Request::text).containsOnly(slack.requests.getFirst().text());
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        Receiver teams = receiver(n -> Receiver.Reply.status(503, "x".repeat(5000)));

        DeliveryResult r = await(delivery(FAST).send(channel(ChannelKind.TEAMS, teams.url(), null), firing()));

        assertThat(r.outcome()).isEqualTo(FAILED);
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.status()).isEqualTo(503);
        assertThat(teams.requests).hasSize(4);
        assertThat(outcomes()).containsExactly(RETRYING, RETRYING, RETRYING, FAILED);
        // Only the first 2 KiB of a response body is read into the error.
        assertThat(r.error()).endsWith(": " + "x".repeat(Delivery.ERROR_BODY_BYTES));
    }

    @Test
    void timesOutAReceiverThatNeverAnswersAndRetries() throws Exception {
        Receiver silent = receiver(n -> Receiver.Reply.never());
        DeliverySettings settings = new DeliverySettings(Duration.ofMillis(200), 3, Duration.ofMillis(10),
                Duration.ofMillis(20), List.of("127.0.0.1"));

        long t0 = System.nanoTime();
        DeliveryResult r = await(delivery(settings).send(channel(ChannelKind.WEBHOOK, silent.url(), null), firing()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(r.outcome()).isEqualTo(FAILED);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.status()).isZero();
        assertThat(r.error()).isEqualTo("timed out after 200 ms waiting for http://127.0.0.1:" + port(silent) + "/…");
        assertThat(outcomes()).containsExactly(RETRYING, RETRYING, FAILED);
        assertThat(silent.requests).hasSize(3);
        assertThat(ms).isBetween(3 * 200L, 3000L);
        assertThat(attempts).allSatisfy(a -> assertThat(a.durationMs()).isBetween(150L, 1500L));
    }

    @Test
    void doesNotRetryAClientError() throws Exception {
        Receiver chat = receiver(n -> Receiver.Reply.status(400, "invalid_blocks\r\nforged: line"));

        DeliveryResult r = await(delivery(FAST).send(channel(ChannelKind.GOOGLE_CHAT, chat.url(), null), firing()));

        assertThat(r.outcome()).isEqualTo(FAILED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.error()).endsWith(": invalid_blocks forged: line"); // one line, whatever the body holds
        assertThat(chat.requests).hasSize(1);
        assertThat(outcomes()).containsExactly(FAILED);
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
        Receiver target = receiver(n -> Receiver.Reply.status(200));
        Receiver redirecting = receiver(n -> Receiver.Reply.status(302).header("Location", target.url()));

        DeliveryResult r = await(delivery(FAST).send(channel(ChannelKind.WEBHOOK, redirecting.url(), null), firing()));

        assertThat(r.outcome()).isEqualTo(FAILED);
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.error()).contains("redirects are not followed");
        assertThat(redirecting.requests).hasSize(1);
        assertThat(target.requests).isEmpty();
    }

    @Test
    void tooManyRequestsIsRetried() throws Exception {
        Receiver slack = receiver(n -> n == 1 ? Receiver.Reply.status(429).header("Retry-After", "0")
                : Receiver.Reply.status(200));

        DeliveryResult r = await(delivery(FAST).send(channel(ChannelKind.SLACK, slack.url(), null), firing()));

        assertThat(r.outcome()).isEqualTo(DELIVERED);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(outcomes()).containsExactly(RETRYING, DELIVERED);
    }

    @Test
    void backoffDoublesToItsCapAndRetryAfterIsCapped() {
        Delivery d = delivery(DeliverySettings.defaults());

        assertThat(List.of(d.backoff(1, null), d.backoff(2, null), d.backoff(3, null), d.backoff(5, null),
                d.backoff(6, null), d.backoff(100, null))).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30));
        assertThat(d.backoff(1, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.backoff(1, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(30));

        Delivery jittered = new Delivery(DeliverySettings.defaults(), new OutboundPolicy(List.of()), a -> { },
                java.time.Clock.systemUTC(), () -> 0.5);
        closing.add(jittered);
        assertThat(jittered.backoff(3, null)).isEqualTo(Duration.ofSeconds(3)); // 4 s less a quarter
    }

    @Test
    void refusedByPolicyWithoutSendingAnything() throws Exception {
        Receiver webhook = receiver(n -> Receiver.Reply.status(200));
        DeliverySettings noAllowList = FAST.withAllow(List.of());

        DeliveryResult r = await(delivery(noAllowList).send(channel(ChannelKind.WEBHOOK, webhook.url(), SECRET),
                firing()));

        assertThat(r.outcome()).isEqualTo(REFUSED_BY_POLICY);
        assertThat(r.error()).isEqualTo("plain http to 127.0.0.1 is not allowed; use https, or add the host to the "
                + "outbound allow-list");
        assertThat(outcomes()).containsExactly(REFUSED_BY_POLICY);
        assertThat(webhook.requests).isEmpty();
    }

    /** A delivery whose policy resolves through {@code dns} (a name the system resolver does not know). */
    private Delivery delivery(DeliverySettings settings, OutboundPolicy.Resolver dns) {
        Delivery d = new Delivery(settings, new OutboundPolicy(settings.allow(), dns), attempts::add,
                java.time.Clock.systemUTC(), Delivery.NO_JITTER);
        closing.add(d);
        return d;
    }

    @Test
    void theClientConnectsToTheAddressesThePolicyResolvedAndChecked() throws Exception {
        Receiver webhook = receiver(n -> Receiver.Reply.status(200));
        String url = webhook.url().replace("127.0.0.1", "hooks.fnscope.test");
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        OutboundPolicy.Resolver dns = host -> {
            lookups.incrementAndGet();
            return new java.net.InetAddress[]{java.net.InetAddress.getByName("127.0.0.1")};
        };

        // Only the policy's resolver knows this name: delivered means the HTTP client resolved through the policy.
        DeliveryResult r = await(delivery(FAST, dns).send(channel(ChannelKind.WEBHOOK, url, SECRET), firing()));

        assertThat(r.outcome()).as(r.error()).isEqualTo(DELIVERED);
        assertThat(webhook.requests).hasSize(1);
        assertThat(lookups.get()).isEqualTo(2); // the check before the attempt, then the connect
    }

    @Test
    void aNameThatAnswersAnInternalAddressAtTheConnectIsRefusedThere() throws Exception {
        // DNS rebinding: a public address for the check, then loopback (where the receiver listens) for the connect.
        Receiver internal = receiver(n -> Receiver.Reply.status(200));
        String url = internal.url().replace("127.0.0.1", "rebind.fnscope.test");
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        OutboundPolicy.Resolver dns = host -> new java.net.InetAddress[]{java.net.InetAddress.getByName(
                lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")};
        // Plain http is allowed to the public address only, so the check passes; loopback is not allow-listed.
        DeliverySettings settings = FAST.withAllow(List.of("93.184.216.34"));

        DeliveryResult r = await(delivery(settings, dns).send(channel(ChannelKind.WEBHOOK, url, SECRET), firing()));

        assertThat(r.outcome()).isEqualTo(REFUSED_BY_POLICY);
        assertThat(r.error()).startsWith("host rebind.fnscope.test resolved to 127.0.0.1 when connecting, a loopback "
                + "address");
        assertThat(outcomes()).containsExactly(REFUSED_BY_POLICY);
        assertThat(internal.requests).isEmpty();
    }

    @Test
    void aReceiverThatNeverStopsSendingItsErrorBodyIsReadOnlyUpToTheCap() throws Exception {
        // An endless 500 body, a kilobyte every 10 ms: the attempt keeps the first ERROR_BODY_BYTES and hangs up,
        // rather than reading on (to reuse the connection) until the timeout.
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = server.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    byte[] request = new byte[8192];
                    in.read(request); // the headers and the small body: enough to answer
                    java.io.OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1000000000\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    byte[] chunk = "x".repeat(1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    while (true) {
                        out.write(chunk);
                        out.flush();
                        Thread.sleep(10);
                    }
                } catch (IOException | InterruptedException ignored) {
                    // the client hung up
                }
            });
            DeliverySettings settings = new DeliverySettings(Duration.ofSeconds(3), 1, Duration.ofMillis(10),
                    Duration.ofMillis(10), List.of("127.0.0.1"));
            long t0 = System.nanoTime();
            DeliveryResult r = await(delivery(settings).send(channel(ChannelKind.WEBHOOK,
                    "http://127.0.0.1:" + server.getLocalPort() + "/hook", null), firing()));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(r.outcome()).isEqualTo(FAILED);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.error()).startsWith("HTTP 500 from http://127.0.0.1:" + server.getLocalPort() + "/…: xxx")
                    .hasSizeLessThan(Delivery.ERROR_BODY_BYTES + 100);
            assertThat(ms).isLessThan(2000);
        }
    }

    @Test
    void errorsNeverCarryTheUrlPathQueryOrSecret() throws Exception {
        // A receiver that echoes the request line and its signature back into its error body.
        Receiver echo = receiver(n -> Receiver.Reply.status(500, "bad request to " + "POST " + Receiver.SECRET_PATH
                + "?" + Receiver.SECRET_QUERY + " signed with " + SECRET));
        Receiver silent = receiver(n -> Receiver.Reply.never());
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String refusedUrl = "http://127.0.0.1:" + closedPort + Receiver.SECRET_PATH + "?" + Receiver.SECRET_QUERY;
        DeliverySettings settings = new DeliverySettings(Duration.ofMillis(200), 2, Duration.ofMillis(5),
                Duration.ofMillis(5), List.of("127.0.0.1"));
        Delivery d = delivery(settings);
        Delivery strict = delivery(settings.withAllow(List.of()));

        List<DeliveryResult> results = List.of(
                await(d.send(channel(ChannelKind.WEBHOOK, echo.url(), SECRET), firing())),
                await(d.send(channel(ChannelKind.WEBHOOK, silent.url(), SECRET), firing())),
                await(d.send(channel(ChannelKind.WEBHOOK, refusedUrl, SECRET), firing())),
                await(strict.send(channel(ChannelKind.WEBHOOK, echo.url(), SECRET), firing())),
                await(d.send(channel(ChannelKind.WEBHOOK, "https://hooks.example.com" + Receiver.SECRET_PATH
                        + " ?" + Receiver.SECRET_QUERY, SECRET), firing())));

        assertThat(results).extracting(DeliveryResult::outcome)
                .containsExactly(FAILED, FAILED, FAILED, REFUSED_BY_POLICY, REFUSED_BY_POLICY);
        assertThat(attempts).hasSize(2 + 2 + 2 + 1 + 1);
        assertThat(attempts).allSatisfy(a -> assertThat(a.error()).isNotBlank()
                .doesNotContain("s3cr3tPathToken", "q5ecretQueryToken", "/services/", SECRET));
        assertThat(results.get(0).error()).contains("bad request to POST …?… signed with …");
        assertThat(results.get(2).error()).startsWith("ConnectException");
    }

    @Test
    void aSlowChannelDoesNotDelayAnother() throws Exception {
        Receiver slow = receiver(n -> Receiver.Reply.never());
        Receiver fast = receiver(n -> Receiver.Reply.status(200));
        DeliverySettings settings = new DeliverySettings(Duration.ofSeconds(5), 1, Duration.ofMillis(10),
                Duration.ofMillis(10), List.of("127.0.0.1"));
        Delivery d = delivery(settings);

        CompletableFuture<DeliveryResult> slowResult = d.send(channel(ChannelKind.TEAMS, slow.url(), null), firing());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (slow.requests.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(slow.requests).hasSize(1); // the slow exchange is in flight, not queued behind anything
        long t0 = System.nanoTime();
        DeliveryResult fastResult = d.send(channel(ChannelKind.SLACK, fast.url(), null), firing())
                .get(2, TimeUnit.SECONDS);

        // The slow channel holds its exchange for up to 5 s; the fast one is done long before (typically < 100 ms).
        assertThat(fastResult.outcome()).isEqualTo(DELIVERED);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
        assertThat(slowResult).isNotDone();
        slow.release();
        assertThat(await(slowResult).outcome()).isEqualTo(FAILED); // the hung exchange closes without an answer
    }

    @Test
    void aThrowingLogDoesNotStopTheDelivery() throws Exception {
        Receiver webhook = receiver(n -> Receiver.Reply.status(204));
        Delivery d = new Delivery(FAST, new OutboundPolicy(FAST.allow()), a -> {
            throw new IllegalStateException("log down");
        }, java.time.Clock.systemUTC(), Delivery.NO_JITTER);
        closing.add(d);

        assertThat(await(d.send(channel(ChannelKind.WEBHOOK, webhook.url(), null), firing())).delivered()).isTrue();
    }

    private static int port(Receiver r) {
        return Integer.parseInt(r.base().substring(r.base().lastIndexOf(':') + 1));
    }
}
