package io.fnscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.SharedClickHouse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A running query API (Micronaut context with the {@code api} listener only: no collector, writer or Kafka) on a
 * free port, over this JVM's embedded ClickHouse with a database of its own (the schema applied by the ClickHouse
 * bean's migrations), plus an HTTP client that returns status and parsed JSON.
 */
final class QueryApiHarness implements AutoCloseable {
    /** Reads JSON numbers with a fraction as BigDecimal, so money compares exactly. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    final int port;
    final EmbeddedServer server;
    final ApplicationContext context;
    final ClickHouse clickHouse;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    QueryApiHarness(Map<String, Object> extra) {
        this.port = freePort();
        Map<String, Object> p = new HashMap<>(TestObjects.keys());
        p.put("fnscope.listen-host", "127.0.0.1");
        p.put("micronaut.server.port", port);
        p.put("fnscope.query.http-port", port);
        p.put("fnscope.collector.http-port", freePort());
        p.put("fnscope.collector.enabled", false);
        p.put("fnscope.writer.enabled", false);
        p.put("fnscope.kafka.embedded.enabled", false);
        p.put("fnscope.clickhouse.embedded.data-dir", SharedClickHouse.dataDir().toString());
        p.put("fnscope.clickhouse.database", SharedClickHouse.uniqueName("query"));
        // The tests' data lie at fixed dates (TestObjects.T0): retention must not expire them as the calendar moves.
        for (String signal : java.util.List.of("spans", "invocations", "metrics", "logs", "platform-events", "rollups",
                "alerts")) {
            p.put("fnscope.retention." + signal + "-days", 3650);
        }
        p.putAll(extra);
        SharedClickHouse.engine(); // this JVM's engine (and its directory) first; the context's bean joins it
        this.server = ApplicationContext.run(EmbeddedServer.class, p);
        this.context = server.getApplicationContext();
        this.clickHouse = context.getBean(ClickHouse.class);
    }

    QueryApiHarness() {
        this(Map.of());
    }

    /** An answer: status, the body as text and as JSON (null when not JSON). */
    record Answer(int status, String body, JsonNode json, HttpResponse<String> raw) {
        String error() {
            return json == null ? null : json.path("error").asText(null);
        }
    }

    Answer get(String pathAndQuery) {
        return get(pathAndQuery, TestObjects.ACME_VIEWER);
    }

    Answer get(String pathAndQuery, String token) {
        return send("GET", pathAndQuery, token, null);
    }

    /** Any method; {@code json} (may be null) is sent as the body with {@code Content-Type: application/json}. */
    Answer send(String method, String pathAndQuery, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (IOException notJson) {
                // YAML or text
            }
            return new Answer(r.statusCode(), r.body(), json, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
