package io.fnscope.clickhouse;

import java.util.List;
import java.util.Map;

/**
 * The one way fnscope talks to ClickHouse. Two transports implement it: the embedded engine (chDB in this process,
 * {@code io.fnscope.clickhouse.embedded.EmbeddedClickHouse}) and a ClickHouse server over HTTP
 * ({@code io.fnscope.clickhouse.server.ServerClickHouse}). Both behave the same for everything below; the contract
 * tests ({@code ClickHouseContract}) run against each.
 *
 * <h2>Rules every caller follows</h2>
 * <ul>
 *   <li><b>Values are never part of the SQL text.</b> Write a server-side placeholder {@code {name:Type}} and pass
 *   the value in {@code params}; {@link io.fnscope.clickhouse.internal.ParameterText} turns Java values into the
 *   text ClickHouse parses for that type (String, numbers, Boolean, Instant for DateTime64, LocalDate, UUID,
 *   collections for Array, Map for Map, null for Nullable). Table names can be bound as {@code {t:Identifier}}.</li>
 *   <li><b>Qualify table names with the database</b> ({@link #database()}): no transport sets a current database,
 *   because the database may not exist yet when the connection opens (migrations create it).</li>
 *   <li><b>No FORMAT and no SETTINGS clause in the SQL.</b> The transport chooses the wire format (one decoder for
 *   both: RowBinaryWithNamesAndTypes) and adds per-query settings from {@link QueryOptions}.</li>
 *   <li>One statement per call.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * Every failure is a {@link ClickHouseException}: {@link ClickHouseUnavailableException} when ClickHouse could not
 * be reached or run the statement at all, {@link ClickHouseQueryException} when ClickHouse ran it and refused or
 * failed it (with ClickHouse's code and message). {@link ClickHouseException#isRetryable()} says whether the same
 * call may succeed later; the same failure gives the same type and flag on both transports.
 *
 * <p>Implementations are thread-safe.
 */
public interface ClickHouse extends AutoCloseable {

    /** The database fnscope's tables live in ({@code fnscope.clickhouse.database}); migrations create it. */
    String database();

    /**
     * Runs a statement that returns no rows a caller needs (DDL, ALTER, OPTIMIZE, INSERT ... SELECT).
     * The configured default query timeout and memory cap are <em>not</em> applied; pass {@code options} to set them.
     */
    void execute(String sql, Map<String, ?> params, QueryOptions options);

    default void execute(String sql, Map<String, ?> params) {
        execute(sql, params, QueryOptions.NONE);
    }

    default void execute(String sql) {
        execute(sql, Map.of(), QueryOptions.NONE);
    }

    /**
     * Runs a query and maps every row. Rows are decoded as they are read and handed to {@code mapper} one by one;
     * the {@link Row} is only valid during that call. Settings of {@code options} that are not set fall back to the
     * configured defaults ({@code fnscope.clickhouse.query-timeout}, {@code fnscope.clickhouse.max-memory}).
     */
    <T> List<T> query(String sql, Map<String, ?> params, QueryOptions options, RowMapper<T> mapper);

    default <T> List<T> query(String sql, Map<String, ?> params, RowMapper<T> mapper) {
        return query(sql, params, QueryOptions.NONE, mapper);
    }

    default <T> List<T> query(String sql, RowMapper<T> mapper) {
        return query(sql, Map.of(), QueryOptions.NONE, mapper);
    }

    /**
     * Inserts the rows {@code body} writes, in RowBinary, into {@code table} ({@code db.table} or {@code table}).
     * {@code columns} lists the columns in the order the body writes them, with their ClickHouse types (the embedded
     * transport needs the types to read the rows back from a file; the server knows them).
     *
     * <p>The body may be called more than once (a retry rewinds by calling it again) and must write the same bytes
     * each time. With {@link InsertOptions#deduplicationToken()} set, repeating an insert that already succeeded is a
     * no-op on tables with {@code non_replicated_deduplication_window} (or replicated tables): that is what makes a
     * retry after an unclear failure safe.
     */
    void insert(String table, List<Column> columns, RowBinaryBody body, InsertOptions options);

    /** Releases this handle. Idempotent. */
    @Override
    void close();
}
