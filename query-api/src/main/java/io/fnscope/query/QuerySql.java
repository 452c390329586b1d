package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.QueryOptions;
import io.fnscope.clickhouse.RowMapper;
import io.fnscope.clickhouse.SqlFile;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API's statements ({@code io/fnscope/query/sql/<name>.sql}, one statement each, named for what it does) and
 * the one way they run: with the caller's values as server-side parameters, never in the text, and with the
 * timeout and memory cap of {@code fnscope.query.*} on every call.
 */
final class QuerySql {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QuerySql.class);
    static final String LOCATION = "io/fnscope/query/sql/";

    private final ClickHouse clickHouse;
    private final QueryOptions options;
    private final Map<String, String> texts = new ConcurrentHashMap<>();

    QuerySql(ClickHouse clickHouse, QuerySettings settings) {
        this.clickHouse = clickHouse;
        this.options = QueryOptions.NONE.withTimeout(settings.queryTimeout()).withMaxMemory(settings.maxMemory());
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
        long started = System.nanoTime();
        List<T> rows = clickHouse.query(sql, params, options, mapper);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: {} rows in {} ms", name, rows.size(), (System.nanoTime() - started) / 1_000_000.0);
        }
        return rows;
    }
}
