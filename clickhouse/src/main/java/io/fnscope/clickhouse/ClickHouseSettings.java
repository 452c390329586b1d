package io.fnscope.clickhouse;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where fnscope's ClickHouse is and how to talk to it ({@code fnscope.clickhouse.*}). Every key is documented in
 * docs/configuration.md.
 *
 * @param transport    {@code embedded} (chDB in this process, the all-in-one default) or {@code server}
 * @param database     the database fnscope's tables live in; created by the migrations
 * @param queryTimeout default {@code max_execution_time} of a query (the query API may set its own per call)
 * @param maxMemory    default {@code max_memory_usage} of a query, in bytes ({@code 1GB}, {@code 512MB}); 0 = none
 * @param migrate      apply the schema migrations when the ClickHouse bean is created (turn off where another
 *                     process or a DBA owns the schema)
 * @param embedded     the embedded engine
 * @param server       the ClickHouse server
 */
@ConfigurationProperties("fnscope.clickhouse")
public record ClickHouseSettings(
        @Bindable(defaultValue = "embedded") Transport transport,
        @Bindable(defaultValue = "fnscope") @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*") String database,
        @Bindable(defaultValue = "30s") Duration queryTimeout,
        @Bindable(defaultValue = "1GB") @ReadableBytes @Min(0) long maxMemory,
        @Bindable(defaultValue = "true") boolean migrate,
        @Nullable Embedded embedded,
        @Nullable Server server) {

    public enum Transport { EMBEDDED, SERVER }

    /** The database and query defaults every transport gets. */
    public ClickHouseDefaults defaults() {
        return new ClickHouseDefaults(database, queryTimeout, maxMemory == 0 ? null : maxMemory);
    }

    public Embedded embeddedOrDefault() {
        return embedded != null ? embedded : new Embedded(null, null, 4, Embedded.DEFAULT_MIN_FREE_DISK);
    }

    public Server serverOrDefault() {
        return server != null ? server : Server.defaults();
    }

    /**
     * @param dataDir     where ClickHouse keeps its data; empty means {@code <fnscope.data-dir>/clickhouse}
     * @param library     libchdb.so; empty means env {@code FNSCOPE_CHDB_LIB}, else bin/fetch-chdb's cache
     * @param connections chDB connections, i.e. statements that can run at once (a connection runs one at a time)
     * @param minFreeDisk space kept free on the disk of the data: inserts are refused while there is less (the
     *                    writer waits and retries), so that the embedded Kafka log on the same disk keeps room for
     *                    its own appends; 0 turns the check off
     */
    @ConfigurationProperties("embedded")
    public record Embedded(@Nullable String dataDir, @Nullable String library,
                           @Bindable(defaultValue = "4") @Min(1) int connections,
                           @Bindable(defaultValue = "512MB") @ReadableBytes @Min(0) long minFreeDisk) {
        static final long DEFAULT_MIN_FREE_DISK = 512L * 1024 * 1024;

        public Path dataDirOr(String fnscopeDataDir) {
            return dataDir == null || dataDir.isBlank() ? Path.of(fnscopeDataDir, "clickhouse") : Path.of(dataDir);
        }

        public Path libraryOr(Path fallback) {
            return library == null || library.isBlank() ? fallback : Path.of(library);
        }
    }

    /**
     * @param url            the HTTP(S) interface, e.g. {@code http://clickhouse:8123}
     * @param username       ClickHouse user
     * @param password       its password; never logged
     * @param maxConnections size of the HTTP connection pool
     * @param connectTimeout time to open a connection (and to wait for a pooled one)
     * @param socketTimeout  time to wait for data on an open connection; raised per query when its timeout is longer
     * @param retries        further attempts when ClickHouse is unavailable (refused, 502/503/504, socket timeout)
     * @param retryBackoff   wait before the first retry; doubles each time, up to 20x
     * @param compression    LZ4-compress requests and responses
     * @param options        raw client-v2 options (ClientConfigProperties keys), for what has no key here
     */
    @ConfigurationProperties("server")
    public record Server(
            @Bindable(defaultValue = "http://localhost:8123") @NotBlank String url,
            @Bindable(defaultValue = "default") @NotBlank String username,
            @Nullable String password,
            @Bindable(defaultValue = "16") @Min(1) int maxConnections,
            @Bindable(defaultValue = "5s") Duration connectTimeout,
            @Bindable(defaultValue = "60s") Duration socketTimeout,
            @Bindable(defaultValue = "3") @Min(0) int retries,
            @Bindable(defaultValue = "200ms") Duration retryBackoff,
            @Bindable(defaultValue = "true") boolean compression,
            @Nullable Map<String, String> options) {

        public static Server defaults() {
            return new Server("http://localhost:8123", "default", null, 16, Duration.ofSeconds(5),
                    Duration.ofSeconds(60), 3, Duration.ofMillis(200), true, Map.of());
        }

        public Server withUrl(String url, String username, String password) {
            return new Server(url, username, password, maxConnections, connectTimeout, socketTimeout, retries,
                    retryBackoff, compression, options);
        }

        public Server withRetries(int retries, Duration retryBackoff) {
            return new Server(url, username, password, maxConnections, connectTimeout, socketTimeout, retries,
                    retryBackoff, compression, options);
        }

        /** Without the password: records print every component otherwise, and config gets logged. */
        @Override
        public String toString() {
            return "Server[url=" + url + ", username=" + username + ", password="
                    + (password == null || password.isEmpty() ? "(none)" : "****") + ", maxConnections=" + maxConnections
                    + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + ", retries=" + retries
                    + ", retryBackoff=" + retryBackoff + ", compression=" + compression + ", options="
                    + (options == null ? "{}" : options.keySet()) + "]";
        }
    }
}
