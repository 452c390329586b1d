package io.fnscope.clickhouse.server;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ClientFaultCause;
import com.clickhouse.client.api.ClientMisconfigurationException;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.DataTransferException;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.clickhouse.ClickHouseQueryException;
import io.fnscope.clickhouse.ClickHouseSettings;
import io.fnscope.clickhouse.ClickHouseUnavailableException;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import io.fnscope.clickhouse.QueryOptions;
import io.fnscope.clickhouse.RowBinaryBody;
import io.fnscope.clickhouse.RowMapper;
import io.fnscope.clickhouse.internal.BinaryResult;
import io.fnscope.clickhouse.internal.BodyOutput;
import io.fnscope.clickhouse.internal.ErrorCodes;
import io.fnscope.clickhouse.internal.Identifiers;
import io.fnscope.clickhouse.internal.ParameterText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A ClickHouse server over HTTP, through the official Java client (client-v2): pooled connections, LZ4 compression
 * both ways, server-side query parameters ({@code param_<name>} with {@link ParameterText}'s text, the same text
 * chDB gets), settings as HTTP parameters per call, RowBinary inserts streamed from the same {@link RowBinaryBody}
 * the embedded transport writes to a file, results decoded by the same {@link BinaryResult}.
 *
 * <p>client-v2's own retries are off; {@link RetryPolicy} decides, because only we know whether a call may be
 * repeated (a query may, an insert with a deduplication token may, a DDL statement that may have reached the
 * server may not). The password goes to the client and nowhere else: {@link #toString()} and every message name
 * the URL and user only.
 */
public final class ServerClickHouse implements ClickHouse {
    private static final Logger LOG = LoggerFactory.getLogger(ServerClickHouse.class);

    /** Whether a failed attempt may have reached ClickHouse. */
    private enum Delivery { NOT_SENT, MAYBE_SENT }

    private final Client client;
    private final String endpoint;
    private final String user;
    private final ClickHouseDefaults defaults;
    private final RetryPolicy retry;
    private final RetryPolicy.Sleeper sleeper;
    private final boolean compression;
    private final Duration socketTimeout;

    ServerClickHouse(Client client, String endpoint, String user, ClickHouseDefaults defaults, RetryPolicy retry,
                     RetryPolicy.Sleeper sleeper, boolean compression, Duration socketTimeout) {
        this.client = client;
        this.endpoint = endpoint;
        this.user = user;
        this.defaults = defaults;
        this.retry = retry;
        this.sleeper = sleeper;
        this.compression = compression;
        this.socketTimeout = socketTimeout;
    }

    /** A client for {@code server}; does not contact the server until the first call. */
    public static ServerClickHouse create(ClickHouseSettings.Server server, ClickHouseDefaults defaults) {
        return create(server, defaults, RetryPolicy.Sleeper.REAL);
    }

    static ServerClickHouse create(ClickHouseSettings.Server server, ClickHouseDefaults defaults, RetryPolicy.Sleeper sleeper) {
        String url = checkedUrl(server.url());
        Client.Builder b = new Client.Builder()
                .addEndpoint(url)
                .setUsername(server.username())
                .setPassword(server.password() == null ? "" : server.password())
                .setMaxConnections(server.maxConnections())
                .setConnectTimeout(server.connectTimeout().toMillis(), ChronoUnit.MILLIS)
                .setConnectionRequestTimeout(server.connectTimeout().toMillis(), ChronoUnit.MILLIS)
                .setSocketTimeout(server.socketTimeout().toMillis(), ChronoUnit.MILLIS)
                .compressServerResponse(server.compression())
                .compressClientRequest(server.compression())
                .setMaxRetries(0)
                .retryOnFailures(ClientFaultCause.None)
                .setClientName("fnscope");
        if (server.options() != null && !server.options().isEmpty()) {
            b.setOptions(server.options());
        }
        Client client = b.build();
        LOG.info("ClickHouse server transport: {} as user {}, up to {} connections, {} retries", url,
                server.username(), server.maxConnections(), server.retries());
        return new ServerClickHouse(client, url, server.username(), defaults,
                new RetryPolicy(server.retries(), server.retryBackoff(), server.retryBackoff().multipliedBy(20)),
                sleeper, server.compression(), server.socketTimeout());
    }

    /** The URL must be http(s)://host:port without credentials (they belong in username/password). */
    static String checkedUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ClickHouseUnavailableException("fnscope.clickhouse.server.url '" + url + "' is not a URL", false, e);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new ClickHouseUnavailableException("fnscope.clickhouse.server.url must look like http://host:8123, not '"
                    + url + "'", false, null);
        }
        if (uri.getUserInfo() != null) {
            throw new ClickHouseUnavailableException("fnscope.clickhouse.server.url must not carry credentials: set"
                    + " fnscope.clickhouse.server.username and .password instead", false, null);
        }
        return url;
    }

    @Override
    public String database() {
        return defaults.database();
    }

    @Override
    public void execute(String sql, Map<String, ?> params, QueryOptions options) {
        Map<String, Object> text = new HashMap<>(ParameterText.formatAll(params));
        QuerySettings qs = querySettings(options.effectiveSettings(null, null), options.timeout());
        withRetry(false, () -> {
            try (QueryResponse ignored = client.query(sql, text, qs).get()) {
                return null;
            } catch (Exception e) {
                throw translate(e);
            }
        });
    }

    @Override
    public <T> List<T> query(String sql, Map<String, ?> params, QueryOptions options, RowMapper<T> mapper) {
        Map<String, Object> text = new HashMap<>(ParameterText.formatAll(params));
        Duration timeout = options.timeout() != null ? options.timeout() : defaults.queryTimeout();
        QuerySettings qs = querySettings(options.effectiveSettings(defaults.queryTimeout(), defaults.maxMemoryBytes()), timeout)
                .setFormat(ClickHouseFormat.RowBinaryWithNamesAndTypes);
        return withRetry(true, () -> {
            try (QueryResponse response = client.query(sql, text, qs).get()) {
                return BinaryResult.decode(response.getInputStream(), mapper);
            } catch (Exception e) {
                throw translate(e);
            }
        });
    }

    @Override
    public void insert(String table, List<Column> columns, RowBinaryBody body, InsertOptions options) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("an insert needs at least one column");
        }
        String target = Identifiers.qualifiedTable(table, defaults.database());
        List<String> names = columns.stream().map(c -> Identifiers.quote(c.name())).toList();
        InsertSettings is = new InsertSettings().compressClientRequest(compression);
        if (options.deduplicationToken() != null) {
            is.setDeduplicationToken(options.deduplicationToken());
        }
        options.settings().forEach(is::serverSetting);
        withRetry(options.deduplicationToken() != null, () -> {
            AtomicReference<BodyOutput.BodyFailure> bodyFailure = new AtomicReference<>();
            try (InsertResponse ignored = client.insert(target, names, out -> {
                try {
                    BodyOutput.write(body, out);
                } catch (BodyOutput.BodyFailure f) {
                    bodyFailure.set(f);
                    throw f;
                }
            }, options.format() == InsertOptions.Format.NATIVE ? ClickHouseFormat.Native : ClickHouseFormat.RowBinary,
                    is).get()) {
                return null;
            } catch (Exception e) {
                if (bodyFailure.get() != null) {
                    // The caller's body failed, not ClickHouse: its exception, not retried.
                    throw bodyFailure.get().toCallerException();
                }
                throw translate(e);
            }
        });
    }

    private QuerySettings querySettings(Map<String, String> settings, Duration timeout) {
        QuerySettings qs = new QuerySettings();
        settings.forEach(qs::serverSetting);
        if (timeout != null && timeout.plusSeconds(5).compareTo(socketTimeout) > 0) {
            // Let ClickHouse's max_execution_time answer first: the socket waits a little longer than the query may run.
            qs.setNetworkTimeout(timeout.plusSeconds(5).toMillis(), ChronoUnit.MILLIS);
        }
        return qs;
    }

    /**
     * Runs {@code call}, repeating it on {@link ClickHouseUnavailableException}s that are retryable, when the call
     * may be repeated: {@code repeatable} calls always, others only when the failed attempt was not sent.
     */
    private <T> T withRetry(boolean repeatable, Supplier<T> call) {
        int attempt = 1;
        while (true) {
            try {
                return call.get();
            } catch (Unavailable u) {
                boolean mayRepeat = u.exception.isRetryable() && (repeatable || u.delivery == Delivery.NOT_SENT);
                if (!mayRepeat || attempt > retry.retries()) {
                    throw attempt == 1 ? u.exception : new ClickHouseUnavailableException(u.exception.getMessage()
                            + " (after " + attempt + " attempts)", u.exception.isRetryable(), u.exception.getCause());
                }
                Duration wait = retry.backoff(attempt);
                LOG.debug("ClickHouse at {} unavailable (attempt {} of {}), retrying in {} ms: {}", endpoint, attempt,
                        retry.retries() + 1, wait.toMillis(), u.exception.getMessage());
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw u.exception;
                }
                attempt++;
            }
        }
    }

    /** An unavailable failure and whether the attempt reached the server (internal to the retry loop). */
    private static final class Unavailable extends RuntimeException {
        final ClickHouseUnavailableException exception;
        final Delivery delivery;

        Unavailable(ClickHouseUnavailableException exception, Delivery delivery) {
            super(exception.getMessage(), exception, false, false);
            this.exception = exception;
            this.delivery = delivery;
        }
    }

    /** client-v2 and HTTP failures as fnscope's exceptions (habit: the writer never sees a client-v2 type). */
    private RuntimeException translate(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ClickHouseException ours) {
            return ours;
        }
        if (t instanceof ServerException se) {
            int code = se.getCode();
            int http = se.getTransportProtocolCode();
            if (code <= 0 || code == ServerException.CODE_UNKNOWN) {
                if (http == 502 || http == 503 || http == 504) {
                    return unavailable("answered HTTP " + http + ": " + firstLine(se.getMessage()), true,
                            http == 504 ? Delivery.MAYBE_SENT : Delivery.NOT_SENT, se);
                }
                return new ClickHouseQueryException("ClickHouse at " + endpoint + " answered HTTP " + http + ": "
                        + se.getMessage(), ClickHouseException.NO_CODE, se);
            }
            return new ClickHouseQueryException(se.getMessage(), code, se);
        }
        if (t instanceof ClientMisconfigurationException) {
            return new ClickHouseUnavailableException("ClickHouse client configuration for " + endpoint + " is invalid: "
                    + t.getMessage(), false, t);
        }
        if (t instanceof ConnectionInitiationException || hasCause(t, ConnectException.class)
                || hasCause(t, NoRouteToHostException.class) || hasCause(t, UnknownHostException.class)
                || hasCause(t, org.apache.hc.core5.http.ConnectionRequestTimeoutException.class)
                || hasCause(t, org.apache.hc.client5.http.ConnectTimeoutException.class)) {
            return unavailable("cannot be reached: " + rootMessage(t), true, Delivery.NOT_SENT, t);
        }
        if (t instanceof DataTransferException || hasCause(t, SocketTimeoutException.class)
                || hasCause(t, org.apache.hc.core5.http.NoHttpResponseException.class)
                || hasCause(t, org.apache.hc.core5.http.ConnectionClosedException.class) || hasCause(t, IOException.class)) {
            return unavailable("failed during the call: " + rootMessage(t), true, Delivery.MAYBE_SENT, t);
        }
        if (t instanceof com.clickhouse.client.api.ClickHouseException ce) {
            int code = ErrorCodes.parse(ce.getMessage());
            return new ClickHouseQueryException(ce.getMessage(), code, ce);
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new ClickHouseQueryException(String.valueOf(t.getMessage()), ClickHouseException.NO_CODE, t);
    }

    private Unavailable unavailable(String what, boolean retryable, Delivery delivery, Throwable cause) {
        return new Unavailable(new ClickHouseUnavailableException("ClickHouse at " + endpoint + " " + what, retryable, cause),
                delivery);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "ServerClickHouse[" + endpoint + ", user " + user + ", database " + defaults.database() + "]";
    }
}
