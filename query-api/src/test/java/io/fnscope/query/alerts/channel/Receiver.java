package io.fnscope.query.alerts.channel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP receiver on loopback standing in for Slack, Teams, Google Chat or a webhook: records every request
 * (method, path, headers, body) and answers from a script indexed by request number (1-based). Handlers run on
 * virtual threads, so a hanging answer does not stall the next request.
 */
public final class Receiver implements AutoCloseable {
    /** The path and query of {@link #url()}: what must never show up in an error. */
    public static final String SECRET_PATH = "/services/T0FN/B0SCOPE/s3cr3tPathToken";
    public static final String SECRET_QUERY = "token=q5ecretQueryToken";

    public record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One answer: status, headers, body; {@code delay} before answering; {@code hang} never answers. */
    public record Reply(int status, Map<String, String> headers, String body, Duration delay, boolean hang) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), "", Duration.ZERO, false);
        }

        static Reply status(int status, String body) {
            return new Reply(status, Map.of(), body, Duration.ZERO, false);
        }

        public static Reply never() {
            return new Reply(0, Map.of(), "", Duration.ZERO, true);
        }

        Reply header(String name, String value) {
            Map<String, String> h = new java.util.HashMap<>(headers);
            h.put(name, value);
            return new Reply(status, h, body, delay, hang);
        }

        Reply after(Duration d) {
            return new Reply(status, headers, body, d, hang);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger count = new AtomicInteger();
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public Receiver(IntFunction<Reply> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, script));
        server.start();
    }

    /** Always the same answer. */
    public static Receiver answering(int status) throws IOException {
        return new Receiver(n -> Reply.status(status));
    }

    private void handle(HttpExchange exchange, IntFunction<Reply> script) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            Reply reply = script.apply(count.incrementAndGet());
            if (reply.hang()) {
                release.await();
                return;
            }
            if (!reply.delay().isZero()) {
                release.await(reply.delay().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A URL whose path and query play the part of a chat service's credential. */
    public String url() {
        return base() + SECRET_PATH + "?" + SECRET_QUERY;
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Lets hanging and delayed answers go. */
    void release() {
        release.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
