package io.fnscope.server;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.SharedClickHouse;
import io.fnscope.tenancy.KeyHash;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The all-in-one as {@code bin/fnscope} runs it (collector, writer, query API, embedded Kafka broker, embedded
 * ClickHouse engine, one context), on free ports, with its Kafka data under a directory of the test's, and its
 * ClickHouse in the test JVM's engine ({@link SharedClickHouse#dataDir()}, one engine per process) under a database
 * of the test's. {@link #start()} and {@link #close()} can be repeated on the same directories and ports: a restart.
 */
final class AllInOne implements AutoCloseable {
    static final String KEY = "fns_testAcmeIngestKey000000000000001";

    final Path dataDir;
    final String database = SharedClickHouse.uniqueName("allinone");
    final int httpPort = freePort();
    final int grpcPort = freePort();
    final int apiPort = freePort();
    final int kafkaPort = freePort();
    final int controllerPort = freePort();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Object> extra;
    EmbeddedServer server;

    AllInOne(Map<String, Object> extra) {
        this.extra = extra;
        try {
            this.dataDir = Files.createTempDirectory("fnscope-allinone");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The engine stays open between the app's starts: the app's own lease closes with the app.
        SharedClickHouse.engine();
    }

    AllInOne start() {
        Map<String, Object> p = new HashMap<>();
        p.put("spec.name", "ITAllInOne");
        p.put("fnscope.data-dir", dataDir.toString());
        p.put("fnscope.listen-host", "127.0.0.1");
        p.put("micronaut.server.port", httpPort);
        p.put("fnscope.collector.http-port", httpPort);
        p.put("fnscope.collector.grpc-port", grpcPort);
        p.put("fnscope.query.http-port", apiPort);
        p.put("fnscope.kafka.embedded.port", kafkaPort);
        p.put("fnscope.kafka.embedded.controller-port", controllerPort);
        p.put("fnscope.clickhouse.embedded.data-dir", SharedClickHouse.dataDir().toString());
        p.put("fnscope.clickhouse.database", database);
        p.put("fnscope.writer.flush-interval", "200ms");
        p.put("fnscope.auth.keys[0].tenant", "acme");
        p.put("fnscope.auth.keys[0].role", "ingest");
        p.put("fnscope.auth.keys[0].sha256", KeyHash.sha256Hex(KEY));
        p.putAll(extra);
        server = ApplicationContext.run(EmbeddedServer.class, p);
        return this;
    }

    ApplicationContext context() {
        return server.getApplicationContext();
    }

    ClickHouse clickHouse() {
        return context().getBean(ClickHouse.class);
    }

    String otlpHttp(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(otlpHttp(path))).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Any method on any URL, no body, no credentials. */
    HttpResponse<String> call(String method, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long count(String sql, Map<String, ?> params) {
        return clickHouse().query(sql.replace("{db}", database), params, r -> r.getLong(r.columns().getFirst())).getFirst();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Stops the app (the data stays). */
    void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
        SharedClickHouse.deleteTree(dataDir);
    }

    static String uniqueFunction(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
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
