package io.fnscope.clickhouse.embedded;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.ClickHouseException;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * A child-process tool for {@link ITEmbeddedProcess}: {@code EmbeddedMain <command> <data-dir>} with command
 * {@code insert-and-exit} (insert 1,000 rows, return from main without closing), {@code insert-and-wait} (insert,
 * print, sleep until killed), {@code count} or {@code disk-reserve <bytes>} (open keeping that much free, print what the
 * disk keeps and whether an insert is taken). Exits 3 with the message when the engine refuses to open.
 */
public final class EmbeddedMain {

    public static void main(String[] args) throws Exception {
        String command = args[0];
        Path dir = Path.of(args[1]);
        ClickHouse ch;
        try {
            ch = command.equals("disk-reserve")
                    ? EmbeddedClickHouse.open(dir, EmbeddedClickHouse.defaultLibrary(), 1, ClickHouseDefaults.of("proc"),
                    Long.parseLong(args[2]))
                    : EmbeddedClickHouse.open(dir, EmbeddedClickHouse.defaultLibrary(), ClickHouseDefaults.of("proc"));
        } catch (ClickHouseException e) {
            System.out.println(e.getMessage());
            System.exit(3);
            return;
        }
        ch.execute("CREATE DATABASE IF NOT EXISTS proc");
        ch.execute("CREATE TABLE IF NOT EXISTS proc.kv (k UInt64, v String) ENGINE = MergeTree ORDER BY k");
        switch (command) {
            case "insert-and-exit", "insert-and-wait" -> {
                long base = ch.query("SELECT count() AS n FROM proc.kv", r -> r.getLong("n")).getFirst();
                ch.insert("kv", List.of(Column.of("k", "UInt64"), Column.of("v", "String")), out -> {
                    for (int i = 0; i < 1000; i++) {
                        out.uint64(base + i).string("v" + i);
                    }
                }, InsertOptions.NONE);
                System.out.println("inserted 1000");
                System.out.flush();
                if (command.equals("insert-and-wait")) {
                    Thread.sleep(600_000);
                }
            }
            case "count" -> System.out.println("rows " + ch.query("SELECT count() AS n FROM proc.kv", r -> r.getLong("n")).getFirst());
            case "disk-reserve" -> {
                System.out.println("keep_free_space " + ch.query(
                        "SELECT keep_free_space AS k FROM system.disks WHERE name = 'default'", r -> r.getLong("k")).getFirst());
                try {
                    ch.insert("kv", List.of(Column.of("k", "UInt64"), Column.of("v", "String")),
                            out -> out.uint64(1).string("v"), InsertOptions.NONE);
                    System.out.println("insert ok");
                } catch (ClickHouseException e) {
                    System.out.println("insert refused: code " + e.code() + " retryable " + e.isRetryable() + ": " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException(command);
        }
        // Deliberately not closed: the engine's shutdown hook must close it, or this JVM would hang at exit.
    }
}
