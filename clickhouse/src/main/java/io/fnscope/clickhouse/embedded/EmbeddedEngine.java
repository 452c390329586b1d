package io.fnscope.clickhouse.embedded;

import io.fnscope.clickhouse.ClickHouseQueryException;
import io.fnscope.clickhouse.ClickHouseUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The chDB engine of this process: one data directory, a small pool of connections to it.
 *
 * <p><b>One data directory per process.</b> libchdb runs one engine per process: connecting with another path
 * while a connection is open returns NULL (measured on 26.5.3). So the engine is a process-wide singleton handed out
 * as leases ({@link EmbeddedClickHouse}): every caller on the same directory shares it, the connections close when
 * the last lease does, and a caller asking for another directory meanwhile gets an error naming the open one. After
 * the last close a new directory may be opened.
 *
 * <p><b>A connection runs one statement at a time.</b> Measured on 26.5.3 (ITEmbeddedEngine pins both):
 * <ul>
 *   <li>query parameters are bound on the connection, so parameterised statements running at once on one
 *   connection see each other's parameters ("Substitution `k` is not set", wrong values: 236 of 1,600 calls from 8
 *   threads); on separate connections to the same path, one thread each, 0 of 6,000 went wrong;</li>
 *   <li>a statement that fails leaves the output it had produced (a header, or ~97k rows when it failed mid-way) in
 *   the connection, and the next statement's result starts with it. A throw-away statement right after the failure
 *   takes the leftover, and the connection is clean again.</li>
 * </ul>
 * So statements borrow a connection from the pool for their whole run, and a connection whose statement failed
 * is drained ({@code SELECT 1}, format Null) before it goes back. Several connections give real concurrency.
 *
 * <p><b>Exit.</b> The connections must be closed before the JVM exits, or the JVM hangs at exit (measured). A
 * shutdown hook closes them if the owner did not, waiting up to {@link #CLOSE_WAIT_SECONDS} s for running statements.
 */
final class EmbeddedEngine {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedEngine.class);
    static final int CLOSE_WAIT_SECONDS = 10;
    static final String TMP_DIR = "fnscope-tmp";
    private static final byte[] DRAIN = "SELECT 1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static EmbeddedEngine current;
    private static boolean hookInstalled;

    final Path dataDir;
    final Path tmpDir;
    final ChdbLibrary lib;
    private final List<Connection> connections = new ArrayList<>();
    private final BlockingQueue<Connection> idle;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private int leases;

    /** Results created and destroyed: equal whenever no statement is running (tests check no buffer leaks). */
    final AtomicLong resultsCreated = new AtomicLong();
    final AtomicLong resultsDestroyed = new AtomicLong();
    /** Connections drained after a failed statement. */
    final AtomicLong drains = new AtomicLong();

    /** A chDB connection: the pointer chdb_connect returned (for close) and the handle queries take. */
    private record Connection(MemorySegment pointer, MemorySegment handle) {
    }

    private EmbeddedEngine(Path dataDir, ChdbLibrary lib, int poolSize, long keepFreeBytes) {
        this.dataDir = dataDir;
        this.tmpDir = dataDir.resolve(TMP_DIR);
        this.lib = lib;
        try {
            Files.createDirectories(tmpDir);
            deleteLeftovers(tmpDir);
        } catch (IOException e) {
            throw new ClickHouseUnavailableException("Cannot create the embedded ClickHouse data directory " + dataDir
                    + ": " + e + " (set fnscope.clickhouse.embedded.data-dir to a writable directory)", false, e);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < poolSize; i++) {
            // keep_free_space_bytes: every reservation on the data's disk (inserts, and merges, which no insert
            // setting reaches) leaves that much free for the embedded Kafka log beside it.
            MemorySegment p = keepFreeBytes > 0
                    ? lib.connect("clickhouse", "--path=" + dataDir, "--",
                    "--storage_configuration.disks.default.keep_free_space_bytes=" + keepFreeBytes)
                    : lib.connect("clickhouse", "--path=" + dataDir);
            if (p.equals(MemorySegment.NULL)) {
                connections.forEach(c -> lib.closeConn(c.pointer()));
                throw new ClickHouseUnavailableException("chDB refused to open " + dataDir + " (chdb_connect returned NULL):"
                        + " another process may be using this directory, or it is not a chDB data directory", false, null);
            }
            connections.add(new Connection(p, ChdbLibrary.handleOf(p)));
        }
        this.idle = new ArrayBlockingQueue<>(poolSize, false, connections);
        LOG.info("Embedded ClickHouse (chDB {}) opened {} with {} connections in {} ms", ChdbLibrary.VERSION, dataDir,
                poolSize, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * A lease on the engine for {@code dataDir}, opening it if needed; the first open sets the pool size and the
     * space kept free on the disk ({@code keepFreeBytes}, 0 for none).
     */
    static synchronized EmbeddedEngine acquire(Path dataDir, Path library, int connections, long keepFreeBytes) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (current != null) {
            if (!current.dataDir.equals(dir)) {
                throw new ClickHouseUnavailableException("The embedded ClickHouse engine is already open on "
                        + current.dataDir + " in this process; chDB runs one data directory per process, so " + dir
                        + " cannot be opened until every EmbeddedClickHouse on " + current.dataDir + " is closed", false, null);
            }
            current.leases++;
            return current;
        }
        ChdbLibrary lib = ChdbLibrary.load(library.toAbsolutePath().normalize());
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedEngine::closeAtExit, "fnscope-chdb-exit"));
            hookInstalled = true;
        }
        if (connections < 1) {
            throw new IllegalArgumentException("fnscope.clickhouse.embedded.connections must be at least 1: " + connections);
        }
        EmbeddedEngine engine = new EmbeddedEngine(dir, lib, connections, keepFreeBytes);
        engine.leases = 1;
        current = engine;
        return engine;
    }

    /** Returns a lease; the last one closes the connections (and so shuts the engine down). */
    static synchronized void release(EmbeddedEngine engine) {
        if (engine != current || engine.leases == 0) {
            return;
        }
        if (--engine.leases == 0) {
            engine.closeConnection();
            current = null;
        }
    }

    /** The open engine, if any (tests). */
    static synchronized EmbeddedEngine current() {
        return current;
    }

    private static void closeAtExit() {
        EmbeddedEngine e;
        synchronized (EmbeddedEngine.class) {
            e = current;
            current = null;
        }
        if (e != null) {
            e.closeConnection();
        }
    }

    /** What to do with a successful result's bytes while they are still in native memory. */
    @FunctionalInterface
    interface ResultReader<T> {
        T read(MemorySegment bytes) throws IOException;
    }

    /**
     * Runs one statement and hands its result bytes to {@code reader}; the chDB result is destroyed afterwards,
     * whatever happens. A ClickHouse error becomes {@link ClickHouseQueryException} with chDB's message verbatim.
     */
    <T> T run(byte[] sql, String format, Map<String, String> params, ResultReader<T> reader) {
        ReentrantReadWriteLock.ReadLock read = lock.readLock();
        read.lock();
        try {
            if (closed) {
                throw new ClickHouseUnavailableException("The embedded ClickHouse engine on " + dataDir + " is closed", false, null);
            }
            Connection conn = borrow();
            boolean failed = true;
            try {
                T result = runOn(conn, sql, format, params, reader);
                failed = false;
                return result;
            } finally {
                if (failed) {
                    drain(conn);
                }
                idle.add(conn);
            }
        } finally {
            read.unlock();
        }
    }

    private <T> T runOn(Connection conn, byte[] sql, String format, Map<String, String> params, ResultReader<T> reader) {
        MemorySegment result = lib.query(conn.handle(), sql, format, params);
        if (result.equals(MemorySegment.NULL)) {
            throw new ClickHouseUnavailableException("chDB returned no result (the connection on " + dataDir
                    + " is no longer usable)", false, null);
        }
        resultsCreated.incrementAndGet();
        try {
            String error = lib.error(result);
            if (error != null) {
                throw ClickHouseQueryException.fromMessage(error.strip(), null);
            }
            return reader.read(lib.buffer(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lib.destroy(result);
            resultsDestroyed.incrementAndGet();
        }
    }

    private Connection borrow() {
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseUnavailableException("Interrupted while waiting for an embedded ClickHouse connection", true, e);
        }
    }

    /** Takes what a failed statement left in the connection (see the class comment). */
    private void drain(Connection conn) {
        drains.incrementAndGet();
        try {
            runOn(conn, DRAIN, "Null", Map.of(), bytes -> null);
        } catch (RuntimeException e) {
            LOG.warn("Draining an embedded ClickHouse connection after a failed statement failed: {}", e.getMessage());
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void closeConnection() {
        ReentrantReadWriteLock.WriteLock write = lock.writeLock();
        boolean locked = false;
        try {
            locked = write.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            if (!locked) {
                LOG.warn("Closing the embedded ClickHouse engine while statements still run after {} s", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (!closed) {
                closed = true;
                // The last close shuts the engine down.
                connections.forEach(c -> lib.closeConn(c.pointer()));
                LOG.info("Embedded ClickHouse closed {}", dataDir);
            }
        } finally {
            if (locked) {
                write.unlock();
            }
        }
    }

    private static void deleteLeftovers(Path tmp) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp, "insert-*")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }
}
