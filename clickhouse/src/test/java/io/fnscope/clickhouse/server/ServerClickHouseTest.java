package io.fnscope.clickhouse.server;

import com.sun.net.httpserver.HttpServer;
import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.ClickHouseSettings;
import io.fnscope.clickhouse.ClickHouseUnavailableException;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server transport's failure handling, without a ClickHouse server: a port nobody listens on, and an HTTP
 * endpoint that only ever answers 503/504 the way a proxy in front of ClickHouse does (no data is faked: every
 * call fails). The contract itself runs against a real server in ITServerClickHouse.
 */
class ServerClickHouseTest {
    static final String PASSWORD = "s3cret-Passw0rd";
    static final List<Column> KV = List.of(Column.of("k", "UInt64"), Column.of("v", "String"));

    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    HttpServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(0);
        }
    }

    ServerClickHouse client(String url, int retries) {
        ClickHouseSettings.Server s = ClickHouseSettings.Server.defaults().withUrl(url, "fnscope", PASSWORD)
                .withRetries(retries, Duration.ofMillis(100));
        return ServerClickHouse.create(s, ClickHouseDefaults.of("fnscope"), sleeps::add);
    }

    @Test
    void connectionRefusedIsRetriedWithBackoffThenReportedAsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        try (ServerClickHouse ch = client(url, 3)) {
            assertThatThrownBy(() -> ch.query("SELECT 1", r -> 1))
                    .isInstanceOfSatisfying(ClickHouseUnavailableException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).startsWith("ClickHouse at " + url + " cannot be reached: ")
                                .contains("Connection refused").endsWith("(after 4 attempts)").doesNotContain(PASSWORD);
                    });
            assertThat(sleeps).hasSize(3);
            // 100 ms doubling, each jittered down to half at most.
            assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));

            // Nothing was sent, so even a statement that is not idempotent is retried.
            sleeps.clear();
            assertThatThrownBy(() -> ch.execute("CREATE TABLE t (x UInt8) ENGINE = Memory"))
                    .isInstanceOf(ClickHouseUnavailableException.class);
            assertThat(sleeps).hasSize(3);
            assertThat(ch.toString()).isEqualTo("ServerClickHouse[" + url + ", user fnscope, database fnscope]");
        }
    }

    @Test
    void http503IsUnavailableAndRetried() throws IOException {
        AtomicInteger requests = startProxy(503);
        try (ServerClickHouse ch = client(proxyUrl(), 1)) {
            assertThatThrownBy(() -> ch.query("SELECT 1", r -> 1))
                    .isInstanceOfSatisfying(ClickHouseUnavailableException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).startsWith("ClickHouse at " + proxyUrl() + " answered HTTP 503")
                                .endsWith("(after 2 attempts)").doesNotContain(PASSWORD);
                    });
            // Each attempt is two requests: on 503 the HTTP library (Apache HttpClient's default retry strategy,
            // which client-v2 does not expose) repeats once after 1 s by itself. Harmless: 503 means not processed.
            assertThat(requests.get()).isEqualTo(4);
            assertThat(sleeps).hasSize(1);
        }
    }

    @Test
    void afterAnAmbiguousFailureOnlyRepeatableCallsAreRetried() throws IOException {
        AtomicInteger requests = startProxy(504);
        try (ServerClickHouse ch = client(proxyUrl(), 2)) {
            // DDL may have run: not repeated.
            assertThatThrownBy(() -> ch.execute("ALTER TABLE t ADD COLUMN y UInt8"))
                    .isInstanceOfSatisfying(ClickHouseUnavailableException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).startsWith("ClickHouse at " + proxyUrl() + " answered HTTP 504: ")
                                .doesNotContain("after");
                    });
            assertThat(requests.getAndSet(0)).isEqualTo(1);
            // An insert without a token may have landed: not repeated.
            assertThatThrownBy(() -> ch.insert("kv", KV, out -> out.uint64(1).string("a"), InsertOptions.NONE))
                    .isInstanceOf(ClickHouseUnavailableException.class);
            assertThat(requests.getAndSet(0)).isEqualTo(1);
            // With a deduplication token a repeat is harmless: repeated.
            assertThatThrownBy(() -> ch.insert("kv", KV, out -> out.uint64(1).string("a"), InsertOptions.deduplicatedBy("b-1")))
                    .isInstanceOf(ClickHouseUnavailableException.class);
            assertThat(requests.getAndSet(0)).isEqualTo(3);
            // Queries read: repeated.
            assertThatThrownBy(() -> ch.query("SELECT {x:String}", Map.of("x", "y"), r -> 1))
                    .isInstanceOf(ClickHouseUnavailableException.class);
            assertThat(requests.get()).isEqualTo(3);
        }
    }

    @Test
    void urlsAreCheckedAndNeverCarryCredentials() {
        assertThatThrownBy(() -> client("http://user:" + PASSWORD + "@localhost:8123", 0))
                .hasMessage("fnscope.clickhouse.server.url must not carry credentials: set fnscope.clickhouse.server.username"
                        + " and .password instead");
        assertThatThrownBy(() -> client("localhost:8123", 0))
                .hasMessage("fnscope.clickhouse.server.url must look like http://host:8123, not 'localhost:8123'");
    }

    @Test
    void settingsNeverPrintThePassword() {
        ClickHouseSettings.Server s = ClickHouseSettings.Server.defaults().withUrl("http://ch:8123", "fnscope", PASSWORD);
        assertThat(s.toString()).doesNotContain(PASSWORD).contains("password=****").contains("url=http://ch:8123");
    }

    AtomicInteger startProxy(int status) throws IOException {
        AtomicInteger requests = new AtomicInteger();
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "gateway says no".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        proxy.start();
        return requests;
    }

    String proxyUrl() {
        return "http://127.0.0.1:" + proxy.getAddress().getPort();
    }
}
