package io.fnscope.clickhouse.embedded;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.clickhouse.ClickHouseQueryException;
import io.fnscope.clickhouse.ClickHouseUnavailableException;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import io.fnscope.clickhouse.QueryOptions;
import io.fnscope.clickhouse.RowBinaryBody;
import io.fnscope.clickhouse.RowMapper;
import io.fnscope.clickhouse.internal.BinaryResult;
import io.fnscope.clickhouse.internal.BodyOutput;
import io.fnscope.clickhouse.internal.ErrorCodes;
import io.fnscope.pipeline.ByteSizes;
import io.fnscope.clickhouse.internal.Identifiers;
import io.fnscope.clickhouse.internal.ParameterText;
import io.fnscope.clickhouse.internal.StatementText;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ClickHouse embedded in this process: chDB (libchdb, ClickHouse 26.5) called through the FFM API, data in a
 * directory on disk. Usable without Micronaut: {@code EmbeddedClickHouse.open(dir, EmbeddedClickHouse.defaultLibrary(),
 * ClickHouseDefaults.of("fnscope"))}.
 *
 * <p><b>The JVM must be started with {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}</b> (and
 * {@code --enable-native-access=ALL-UNNAMED}); opening fails with that fix in the message otherwise.
 *
 * <p><b>One engine per process.</b> Each instance is a lease on the process's one chDB engine and its pool of
 * connections ({@link EmbeddedEngine}): opening the same directory again shares them, closing the last lease
 * closes them, and another directory can be opened only after that. Tests in one JVM therefore share one engine
 * (see the test fixture {@code SharedClickHouse}) and isolate themselves with a database each.
 *
 * <p><b>Inserts</b> write the RowBinary body to a temporary file under {@code <data-dir>/fnscope-tmp} and run
 * {@code INSERT INTO t (cols) SETTINGS ... SELECT * FROM file(path, 'RowBinary', structure)}: RowBinary inline in the
 * statement text came back short (2,570 of 100,000 rows, no error) while file() loaded all of them in ~15 ms. The
 * file is deleted when the insert returns, and leftovers of a crash are deleted at the next open.
 *
 * <p><b>Settings</b> (timeout, memory cap, deduplication token) go into a SETTINGS clause of the statement: chDB
 * has no per-query settings argument, and {@code SET} would stay on the pooled connection for the next statement.
 */
public final class EmbeddedClickHouse implements ClickHouse {
    static final String RESULT_FORMAT = "RowBinaryWithNamesAndTypes";
    static final String NO_OUTPUT = "Null";
    /** Statements that can run at once when nothing is configured. */
    public static final int DEFAULT_CONNECTIONS = 4;

    private final EmbeddedEngine engine;
    private final ClickHouseDefaults defaults;
    private final long minFreeDiskBytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedClickHouse(EmbeddedEngine engine, ClickHouseDefaults defaults, long minFreeDiskBytes) {
        this.engine = engine;
        this.defaults = defaults;
        this.minFreeDiskBytes = minFreeDiskBytes;
    }

    /**
     * Opens (or joins) the embedded engine on {@code dataDir}.
     *
     * @param dataDir  where ClickHouse keeps its data; created if missing
     * @param library  libchdb.so ({@link #defaultLibrary()})
     * @param defaults database and query defaults
     * @throws ClickHouseUnavailableException with the fix when the library is missing, libjsig is not preloaded, or
     *                                        another data directory is open in this process
     */
    public static EmbeddedClickHouse open(Path dataDir, Path library, ClickHouseDefaults defaults) {
        return open(dataDir, library, DEFAULT_CONNECTIONS, defaults);
    }

    /**
     * As {@link #open(Path, Path, ClickHouseDefaults)} with the size of the connection pool (how many statements run
     * at once; used by the first open of a directory, later opens join its pool).
     */
    public static EmbeddedClickHouse open(Path dataDir, Path library, int connections, ClickHouseDefaults defaults) {
        return open(dataDir, library, connections, defaults, 0);
    }

    /**
     * As {@link #open(Path, Path, int, ClickHouseDefaults)}, keeping {@code minFreeDiskBytes} free on the data's
     * disk: the first open of the engine makes it the disk's {@code keep_free_space_bytes}, so an insert that would
     * eat into it fails with NOT_ENOUGH_SPACE, a transient error, before it writes a part, and merges wait. (Not
     * also {@code min_free_disk_bytes_to_perform_insert}: that compares with the space left after the disk's own
     * reserve, so the two together kept twice the reserve free from inserts; tried on a tmpfs.) 0: no reserve.
     */
    public static EmbeddedClickHouse open(Path dataDir, Path library, int connections, ClickHouseDefaults defaults,
                                          long minFreeDiskBytes) {
        return new EmbeddedClickHouse(EmbeddedEngine.acquire(dataDir, library, connections, minFreeDiskBytes), defaults,
                minFreeDiskBytes);
    }

    /**
     * Where libchdb is when nothing is configured: {@code FNSCOPE_CHDB_LIB}, else bin/fetch-chdb's cache
     * ({@code ~/.cache/fnscope/chdb/<version>/libchdb.so}).
     */
    public static Path defaultLibrary() {
        String env = System.getenv("FNSCOPE_CHDB_LIB");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "fnscope", "chdb", ChdbLibrary.VERSION, "libchdb.so");
    }

    /** The data directory of the engine. */
    public Path dataDir() {
        return engine.dataDir;
    }

    @Override
    public String database() {
        return defaults.database();
    }

    @Override
    public void execute(String sql, Map<String, ?> params, QueryOptions options) {
        String statement = StatementText.withSettings(sql, options.effectiveSettings(null, null));
        run(statement, NO_OUTPUT, params, bytes -> null);
    }

    @Override
    public <T> List<T> query(String sql, Map<String, ?> params, QueryOptions options, RowMapper<T> mapper) {
        String statement = StatementText.withSettings(sql,
                options.effectiveSettings(defaults.queryTimeout(), defaults.maxMemoryBytes()));
        return run(statement, RESULT_FORMAT, params, bytes -> bytes.equals(MemorySegment.NULL)
                ? List.of() : BinaryResult.decode(new SegmentInputStream(bytes), mapper));
    }

    @Override
    public void insert(String table, List<Column> columns, RowBinaryBody body, InsertOptions options) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("an insert needs at least one column");
        }
        String target = Identifiers.qualifiedTable(table, defaults.database());
        Path file = engine.tmpDir.resolve("insert-" + UUID.randomUUID() + ".rowbinary");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                BodyOutput.write(body, out);
            } catch (BodyOutput.BodyFailure f) {
                throw f.toCallerException();
            } catch (IOException e) {
                IOException cause = e instanceof BodyOutput.StreamFailure sf ? sf.streamException() : e;
                throw new ClickHouseUnavailableException("Cannot write the rows for " + target + " to " + file + ": "
                        + cause + " (is the disk of fnscope.clickhouse.embedded.data-dir full?)", true, cause);
            }
            String settings = StatementText.settingsClause(options.effectiveSettings());
            String sql = "INSERT INTO " + target + " " + StatementText.columnList(columns)
                    + (settings.isEmpty() ? "" : " " + settings)
                    + " SELECT * FROM file(" + ParameterText.quoted(file.toString()) + ", '"
                    + options.format().clickHouseName() + "', "
                    + ParameterText.quoted(StatementText.structure(columns)) + ")";
            try {
                run(sql, NO_OUTPUT, Map.of(), bytes -> null);
            } catch (ClickHouseQueryException e) {
                throw e.code() == ErrorCodes.NOT_ENOUGH_SPACE && minFreeDiskBytes > 0 ? withReserveHint(e) : e;
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Deleted at the next open at the latest; an insert's outcome does not depend on it.
            }
        }
    }

    /** ClickHouse names its own setting; the operator needs fnscope's key, and what to do. */
    private ClickHouseQueryException withReserveHint(ClickHouseQueryException e) {
        return new ClickHouseQueryException(e.getMessage() + " [fnscope keeps " + ByteSizes.readable(minFreeDiskBytes) + " free on the"
                + " disk of " + engine.dataDir + " (fnscope.clickhouse.embedded.min-free-disk): free space there;"
                + " the writer retries and nothing is lost]", e.code(), e);
    }

    private <T> T run(String sql, String format, Map<String, ?> params, EmbeddedEngine.ResultReader<T> reader) {
        if (closed.get()) {
            throw new ClickHouseUnavailableException("This EmbeddedClickHouse was closed", false, null);
        }
        Map<String, String> text = ParameterText.formatAll(params);
        try {
            return engine.run(sql.getBytes(StandardCharsets.UTF_8), format, text, reader);
        } catch (ClickHouseException e) {
            throw e;
        } catch (com.clickhouse.client.api.ClickHouseException e) {
            // The reader could not decode the result: report it as ClickHouse's, not retryable.
            throw new ClickHouseQueryException("Cannot read the result of the query: " + e.getMessage(),
                    ClickHouseException.NO_CODE, e);
        }
    }

    /** Returns this lease; the engine closes with the last one. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            EmbeddedEngine.release(engine);
        }
    }

    /**
     * chDB results created and destroyed so far by this process's engine (equal when no statement is running), and
     * connections drained after failed statements.
     */
    public long[] resultCounters() {
        return new long[] {engine.resultsCreated.get(), engine.resultsDestroyed.get(), engine.drains.get()};
    }

    /** The directory insert files go to (tests check it is left empty). */
    public Path tempDir() {
        return engine.tmpDir;
    }

    @Override
    public String toString() {
        return "EmbeddedClickHouse[" + engine.dataDir + ", database " + defaults.database() + "]";
    }
}
