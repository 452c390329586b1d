package io.fnscope.clickhouse;

import io.fnscope.clickhouse.embedded.EmbeddedClickHouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The embedded ClickHouse engine of a test JVM, for every module's tests (in the test-jar of fnscope-clickhouse).
 *
 * <p>chDB runs one data directory per process, so all tests of a JVM share one engine, opened on first use in
 * {@code target/chdb-test-<pid>} and closed at JVM exit; tests isolate themselves with a database each:
 *
 * <pre>{@code
 * try (ClickHouse ch = SharedClickHouse.newDatabase("writer")) {   // database writer_<random>, created
 *     ch.execute("CREATE TABLE " + ch.database() + ".spans ...");
 * }                                                                // the engine stays open for the next test
 * }</pre>
 *
 * A Micronaut test points {@code fnscope.clickhouse.embedded.data-dir} at {@link #dataDir()} so that its
 * ClickHouse bean joins the same engine. Directories of earlier test JVMs that are no longer running are deleted
 * when the engine opens. The JVM needs {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so} (Surefire and Failsafe pass it
 * when run through bin/test or with {@code -Dfnscope.ld.preload=...}).
 */
public final class SharedClickHouse {
    private static EmbeddedClickHouse lease;
    private static Path dir;

    private SharedClickHouse() {
    }

    /** The directory of this JVM's engine. */
    public static synchronized Path dataDir() {
        if (dir == null) {
            Path target = Path.of("target").toAbsolutePath();
            deleteDirectoriesOfDeadJvms(target);
            dir = target.resolve("chdb-test-" + ProcessHandle.current().pid());
        }
        return dir;
    }

    /** This JVM's engine, opened on first use (database {@code default}). Do not close it. */
    public static synchronized EmbeddedClickHouse engine() {
        if (lease == null) {
            lease = EmbeddedClickHouse.open(dataDir(), EmbeddedClickHouse.defaultLibrary(), ClickHouseDefaults.of("default"));
        }
        return lease;
    }

    /**
     * A handle on this JVM's engine whose {@link ClickHouse#database()} is a new, empty database
     * {@code <prefix>_<random>}. Close it when done (the engine stays open).
     */
    public static ClickHouse newDatabase(String prefix) {
        return newDatabase(prefix, ClickHouseDefaults.of(uniqueName(prefix)));
    }

    /** As {@link #newDatabase(String)}, with query defaults; {@code defaults.database()} is created. */
    public static ClickHouse newDatabase(String prefix, ClickHouseDefaults defaults) {
        engine();
        EmbeddedClickHouse ch = EmbeddedClickHouse.open(dataDir(), EmbeddedClickHouse.defaultLibrary(), defaults);
        ch.execute("CREATE DATABASE IF NOT EXISTS `" + defaults.database() + "`");
        return ch;
    }

    /** {@code prefix_<12 random hex>}: a valid, unique database name. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /**
     * Closes this JVM's shared lease, so that a test can close and reopen the engine (or open another directory)
     * itself. The next {@link #engine()} reopens it.
     */
    public static synchronized void release() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    private static void deleteDirectoriesOfDeadJvms(Path target) {
        if (!Files.isDirectory(target)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(target)) {
            dirs.filter(p -> p.getFileName().toString().startsWith("chdb-test-")).forEach(p -> {
                String pid = p.getFileName().toString().substring("chdb-test-".length());
                boolean alive;
                try {
                    alive = ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
                } catch (NumberFormatException e) {
                    alive = true;
                }
                if (!alive) {
                    deleteTree(p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree (best effort). */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover directory is deleted by the next run
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
