package io.fnscope.clickhouse.embedded;

import io.fnscope.clickhouse.ClickHouseUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libchdb's C API, called through the FFM API (java.lang.foreign). Only the calls fnscope needs:
 *
 * <pre>
 * chdb_connection* chdb_connect(int argc, char** argv)
 * void             chdb_close_conn(chdb_connection* conn)
 * chdb_result*     chdb_query_n(chdb_connection conn, const char* q, size_t qlen, const char* fmt, size_t fmtlen)
 * chdb_result*     chdb_query_with_params_n(conn, q, qlen, fmt, fmtlen,
 *                      const char* const* names, const size_t* name_lens,
 *                      const char* const* values, const size_t* value_lens, size_t count)
 * char*            chdb_result_buffer(chdb_result*)       size_t chdb_result_length(chdb_result*)
 * const char*      chdb_result_error(chdb_result*)        (NULL when the statement succeeded)
 * void             chdb_destroy_query_result(chdb_result*)
 * </pre>
 *
 * Note the two connection types: {@code chdb_connect} returns a pointer to a connection handle, the query calls
 * take the handle itself ({@code *conn}), {@code chdb_close_conn} the pointer again. Checked against the 26.5.3
 * build's exports ({@code nm -D --defined-only libchdb.so}) and header. Loaded once per process: a shared library
 * cannot be unloaded, so a second load from another path is refused.
 */
final class ChdbLibrary {
    /** The libchdb version fnscope is built and tested with; bin/fetch-chdb fetches it. */
    static final String VERSION = "26.5.3";

    private static ChdbLibrary loaded;

    final Path path;
    private final MethodHandle connect;
    private final MethodHandle closeConn;
    private final MethodHandle queryN;
    private final MethodHandle queryWithParamsN;
    private final MethodHandle resultBuffer;
    private final MethodHandle resultLength;
    private final MethodHandle resultError;
    private final MethodHandle destroyResult;

    private ChdbLibrary(Path path, SymbolLookup lookup) {
        this.path = path;
        Linker linker = Linker.nativeLinker();
        this.connect = handle(linker, lookup, "chdb_connect", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
        this.closeConn = handle(linker, lookup, "chdb_close_conn", FunctionDescriptor.ofVoid(ADDRESS));
        this.queryN = handle(linker, lookup, "chdb_query_n",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
        this.queryWithParamsN = handle(linker, lookup, "chdb_query_with_params_n",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
                        ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        this.resultBuffer = handle(linker, lookup, "chdb_result_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS));
        this.resultLength = handle(linker, lookup, "chdb_result_length", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        this.resultError = handle(linker, lookup, "chdb_result_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        this.destroyResult = handle(linker, lookup, "chdb_destroy_query_result", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /**
     * Loads libchdb from {@code path} (once per process), after checking what would otherwise fail obscurely:
     * the JDK version, the signal-chaining preload, the file.
     */
    static synchronized ChdbLibrary load(Path path) {
        if (Runtime.version().feature() < 25) {
            throw new ClickHouseUnavailableException("The embedded ClickHouse engine needs Java 25 or newer (FFM API);"
                    + " this JVM is " + Runtime.version() + ". Set JAVA_HOME to a JDK 25.", false, null);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ClickHouseUnavailableException("The embedded ClickHouse engine library was not found at " + path
                    + ". Run bin/fetch-chdb (it downloads libchdb " + VERSION + " and prints its path), then set"
                    + " FNSCOPE_CHDB_LIB or fnscope.clickhouse.embedded.library to that path; or use a ClickHouse"
                    + " server (fnscope.clickhouse.transport=server).", false, null);
        }
        if (loaded != null) {
            if (!loaded.path.equals(path)) {
                throw new ClickHouseUnavailableException("libchdb is already loaded from " + loaded.path
                        + " in this process; it cannot also be loaded from " + path
                        + " (a shared library cannot be unloaded): use one path per JVM", false, null);
            }
            return loaded;
        }
        SignalChaining.requirePreloaded();
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new ClickHouseUnavailableException("Cannot load the embedded ClickHouse engine library " + path + ": "
                    + e.getMessage() + ". It must be libchdb " + VERSION + " for Linux x86_64 (bin/fetch-chdb), and the"
                    + " JVM needs --enable-native-access=ALL-UNNAMED.", false, e);
        }
        loaded = new ChdbLibrary(path, lookup);
        return loaded;
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lookup.find(name).orElseThrow(() -> new ClickHouseUnavailableException(
                "libchdb has no symbol " + name + ": fnscope needs libchdb " + VERSION + " (bin/fetch-chdb)", false, null));
        return linker.downcallHandle(symbol, fd);
    }

    /** {@code chdb_connect}: the pointer to the connection handle, or NULL. */
    MemorySegment connect(String... argv) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = arena.allocate(ADDRESS, argv.length);
            for (int i = 0; i < argv.length; i++) {
                args.setAtIndex(ADDRESS, i, arena.allocateFrom(argv[i]));
            }
            return (MemorySegment) connect.invokeExact(argv.length, args);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The handle ({@code *connPtr}) the query calls take. */
    static MemorySegment handleOf(MemorySegment connPtr) {
        return connPtr.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
    }

    void closeConn(MemorySegment connPtr) {
        try {
            closeConn.invokeExact(connPtr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Runs one statement; returns the {@code chdb_result*} (never leaked: the caller destroys it in a finally).
     * Parameters go through {@code chdb_query_with_params_n}, as text ({@link io.fnscope.clickhouse.internal.ParameterText}).
     */
    MemorySegment query(MemorySegment conn, byte[] sql, String format, Map<String, String> params) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = bytes(arena, sql);
            byte[] fmtBytes = format.getBytes(StandardCharsets.US_ASCII);
            MemorySegment fmt = bytes(arena, fmtBytes);
            if (params.isEmpty()) {
                return (MemorySegment) queryN.invokeExact(conn, q, (long) sql.length, fmt, (long) fmtBytes.length);
            }
            int n = params.size();
            MemorySegment names = arena.allocate(ADDRESS, n);
            MemorySegment nameLens = arena.allocate(JAVA_LONG, n);
            MemorySegment values = arena.allocate(ADDRESS, n);
            MemorySegment valueLens = arena.allocate(JAVA_LONG, n);
            int i = 0;
            for (Map.Entry<String, String> e : params.entrySet()) {
                byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
                names.setAtIndex(ADDRESS, i, bytes(arena, k));
                nameLens.setAtIndex(JAVA_LONG, i, k.length);
                values.setAtIndex(ADDRESS, i, bytes(arena, v));
                valueLens.setAtIndex(JAVA_LONG, i, v.length);
                i++;
            }
            return (MemorySegment) queryWithParamsN.invokeExact(conn, q, (long) sql.length, fmt, (long) fmtBytes.length,
                    names, nameLens, values, valueLens, (long) n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The error text of a result, or null when the statement succeeded. */
    String error(MemorySegment result) {
        try {
            MemorySegment e = (MemorySegment) resultError.invokeExact(result);
            return e.equals(MemorySegment.NULL) ? null : e.reinterpret(Integer.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The result bytes in native memory (valid until {@link #destroy}). */
    MemorySegment buffer(MemorySegment result) {
        try {
            long len = (long) resultLength.invokeExact(result);
            if (len == 0) {
                return MemorySegment.NULL;
            }
            MemorySegment b = (MemorySegment) resultBuffer.invokeExact(result);
            return b.reinterpret(len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void destroy(MemorySegment result) {
        try {
            destroyResult.invokeExact(result);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** NUL-terminated copy (chDB's _n calls take lengths, the terminator costs nothing and guards older builds). */
    private static MemorySegment bytes(Arena arena, byte[] b) {
        MemorySegment s = arena.allocate(b.length + 1L);
        MemorySegment.copy(b, 0, s, JAVA_BYTE, 0, b.length);
        return s;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
