package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ClickHouseUnavailableException;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import io.fnscope.clickhouse.QueryOptions;
import io.fnscope.clickhouse.RowBinaryBody;
import io.fnscope.clickhouse.RowMapper;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real engine behind a switch: while a table is marked down, inserts into it fail the way an unreachable
 * ClickHouse fails ({@link ClickHouseUnavailableException}, retryable) before reaching the engine; everything
 * else goes to the engine. Not a mock: the rows that get through are stored and read back by the real engine.
 */
final class FailingClickHouse implements ClickHouse {
    private final ClickHouse engine;
    private final Set<String> down = new CopyOnWriteArraySet<>();
    final AtomicInteger refused = new AtomicInteger();

    FailingClickHouse(ClickHouse engine) {
        this.engine = engine;
    }

    /** Inserts into these tables fail until {@link #up()}. */
    void down(String... tables) {
        down.addAll(List.of(tables));
    }

    void up() {
        down.clear();
    }

    @Override
    public String database() {
        return engine.database();
    }

    @Override
    public void execute(String sql, Map<String, ?> params, QueryOptions options) {
        engine.execute(sql, params, options);
    }

    @Override
    public <T> List<T> query(String sql, Map<String, ?> params, QueryOptions options, RowMapper<T> mapper) {
        return engine.query(sql, params, options, mapper);
    }

    @Override
    public void insert(String table, List<Column> columns, RowBinaryBody body, InsertOptions options) {
        if (down.contains(table)) {
            refused.incrementAndGet();
            throw new ClickHouseUnavailableException("ClickHouse at http://clickhouse:8123 is unreachable: Connection "
                    + "refused (test switch)", true, null);
        }
        engine.insert(table, columns, body, options);
    }

    @Override
    public void close() {
        engine.close();
    }
}
