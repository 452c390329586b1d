package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.QueryOptions;
import io.fnscope.clickhouse.RowMapper;
import io.fnscope.clickhouse.SqlFile;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The API's statements ({@code io/fnscope/query/sql/<name>.sql}, one statement each, named for what it does) and
 * the one way they run: with the caller's values as server-side parameters, never in the text, and with the
 * timeout and memory cap of {@code fnscope.query.*} on every call.
 *
 * <p>At most {@code max-concurrent-statements} run at once; the others wait their turn in order, up to
 * {@code queue-timeout}, then fail with {@link QueryBusyException} (503). Without the bound every request's
 * statements queued for the engine's connections in no order, the writer's inserts among them: 32 searches at once
 * took the writer's freshness from p99 0.6 s to 7 s on the all-in-one (query-api/RATIONALE.md).
 */
final class QuerySql {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QuerySql.class);
    static final String LOCATION = "io/fnscope/query/sql/";

    private final ClickHouse clickHouse;
    private final QueryOptions options;
    private final Map<String, String> texts = new ConcurrentHashMap<>();
    private final Semaphore turns;
    private final int maxConcurrent;
    private final Duration queueTimeout;

    QuerySql(ClickHouse clickHouse, QuerySettings settings) {
        this.clickHouse = clickHouse;
        this.options = QueryOptions.NONE.withTimeout(settings.queryTimeout()).withMaxMemory(settings.maxMemory());
        this.maxConcurrent = settings.maxConcurrentStatements();
        this.turns = new Semaphore(maxConcurrent, true);
        this.queueTimeout = settings.queueTimeout();
    }

    /** The database the statements read. */
    String database() {
        return clickHouse.database();
    }

    /** The statement {@code name} with {@code ${database}} filled in. */
    String text(String name) {
        return texts.computeIfAbsent(name, n -> render(n, clickHouse.database()));
    }

    static String render(String name, String database) {
        return SqlFile.render(LOCATION + name + ".sql", Map.of("database", database));
    }

    <T> List<T> query(String name, Map<String, ?> params, RowMapper<T> mapper) {
        return run(name, text(name), params, mapper);
    }

    /**
     * Runs a statement whose text the caller completed (the search filters); values still go in params.
     * {@code name} is for the debug log, which times every statement.
     */
    <T> List<T> run(String name, String sql, Map<String, ?> params, RowMapper<T> mapper) {
        long queued = System.nanoTime();
        awaitTurn();
        try {
            long started = System.nanoTime();
            List<T> rows = clickHouse.query(sql, params, options, mapper);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: {} rows in {} ms after {} ms in the queue", name, rows.size(),
                        (System.nanoTime() - started) / 1_000_000.0, (started - queued) / 1_000_000.0);
            }
            return rows;
        } finally {
            turns.release();
        }
    }

    private void awaitTurn() {
        try {
            if (turns.tryAcquire(queueTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new QueryBusyException("the query API runs " + maxConcurrent + " statements at once"
                + " (fnscope.query.max-concurrent-statements) and this request waited " + (queueTimeout.toMillis() % 1000 == 0
                ? queueTimeout.toSeconds() + " s" : queueTimeout.toMillis() + " ms")
                + " (fnscope.query.queue-timeout) for a turn; retry in a few seconds, or ask for less");
    }
}
