package io.fnscope.clickhouse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The migration runner on the embedded engine (it uses only the {@link ClickHouse} interface). */
class ITMigrations {
    static final String ROOT = "io/fnscope/clickhouse/testmigrations/";
    static final MigrationSet BASE = MigrationSet.of("base", ROOT + "base", Map.of());
    static final MigrationSet EXTRA = MigrationSet.of("extra", ROOT + "extra", Map.of("retention_days", "7"));

    ClickHouse ch;

    @BeforeEach
    void open() {
        // The database does not exist yet: the runner creates it.
        SharedClickHouse.engine();
        ch = io.fnscope.clickhouse.embedded.EmbeddedClickHouse.open(SharedClickHouse.dataDir(),
                io.fnscope.clickhouse.embedded.EmbeddedClickHouse.defaultLibrary(),
                ClickHouseDefaults.of(SharedClickHouse.uniqueName("migr")));
    }

    @AfterEach
    void close() {
        ch.execute("DROP DATABASE IF EXISTS `" + ch.database() + "`");
        ch.close();
    }

    @Test
    void migrationsApplyInVersionOrderOnceAndASecondRunChangesNothing() {
        assertThat(ch.query("SELECT count() AS n FROM system.databases WHERE name = {d:String}", Map.of("d", ch.database()),
                r -> r.getLong("n"))).containsExactly(0L);

        List<Migrations.Migration> first = new Migrations(ch, List.of(EXTRA, BASE)).apply();
        assertThat(first).extracting(m -> m.version() + " " + m.name() + " (" + m.set().name() + ")")
                .containsExactly("1 create_events (base)", "2 add_events_kind (base)", "100 create_event_counts (extra)");
        String events = showCreate("events");
        String counts = showCreate("event_counts");
        assertThat(events).contains("`kind` LowCardinality(String) DEFAULT 'span'");
        assertThat(counts).contains("TTL day + toIntervalDay(7)");

        Migrations again = new Migrations(ch, List.of(BASE, EXTRA));
        assertThat(again.apply()).isEmpty();
        assertThat(showCreate("events")).isEqualTo(events);
        assertThat(showCreate("event_counts")).isEqualTo(counts);
        assertThat(again.applied()).extracting(a -> a.version() + " " + a.name() + " " + a.checksum().length())
                .containsExactly("1 create_events 64", "2 add_events_kind 64", "100 create_event_counts 64");
        assertThat(ch.query("SELECT count() AS n FROM `" + ch.database() + "`.schema_migrations", r -> r.getLong("n")))
                .containsExactly(3L);
    }

    @Test
    void aChangedAppliedMigrationIsRefusedWithItsFileName() {
        new Migrations(ch, List.of(BASE)).apply();
        MigrationSet changed = MigrationSet.of("changed", ROOT + "changed", Map.of());
        assertThatThrownBy(() -> new Migrations(ch, List.of(changed)).apply())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Migration io/fnscope/clickhouse/testmigrations/changed/0001_create_events.sql"
                        + " (version 1) was changed after it was applied to database " + ch.database() + " (recorded checksum ")
                .hasMessageEndingWith("An applied migration must not change: restore the file and put the change in a new"
                        + " migration with a higher version.");
        assertThat(showCreate("events")).doesNotContain("extra");
    }

    @Test
    void malformedMigrationSetsAreRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> new Migrations(ch, List.of(MigrationSet.of("two", ROOT + "twostatements", Map.of()))).apply())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Migration file io/fnscope/clickhouse/testmigrations/twostatements/0001_two.sql holds 2"
                        + " statements; put exactly one statement in each migration file");
        assertThatThrownBy(() -> new Migrations(ch, List.of(MigrationSet.of("bad", ROOT + "badname", Map.of()))).apply())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Migration file io/fnscope/clickhouse/testmigrations/badname/1_Bad-Name.sql is not"
                        + " named NNNN_what_it_does.sql");
        assertThatThrownBy(() -> new Migrations(ch, List.of(BASE, MigrationSet.of("dup", ROOT + "dup", Map.of()))).apply())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Migration version 2 is used twice: io/fnscope/clickhouse/testmigrations/base/0002_add_events_kind.sql"
                        + " and io/fnscope/clickhouse/testmigrations/dup/0002_also_two.sql. Give each migration its own version.");
        assertThatThrownBy(() -> new Migrations(ch, List.of(MigrationSet.of("var", ROOT + "unknownvar", Map.of("x", "1")))).apply())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("io/fnscope/clickhouse/testmigrations/unknownvar/0001_uses_unknown.sql uses [${nope}] but no value"
                        + " was given for it; known variables: [database, x]");
        assertThat(new Migrations(ch, List.of()).applied()).isEmpty();
    }

    @Test
    void aFailingMigrationNamesItsFileAndIsNotRecorded() {
        MigrationSet failing = MigrationSet.of("failing", ROOT + "failing", Map.of());
        assertThatThrownBy(() -> new Migrations(ch, List.of(BASE, failing)).apply())
                .isInstanceOfSatisfying(ClickHouseQueryException.class, e -> {
                    assertThat(e.getMessage()).startsWith("Migration io/fnscope/clickhouse/testmigrations/failing/0003_broken.sql"
                            + " failed: Code: 56. DB::Exception: Unknown table engine NoSuchEngine");
                    assertThat(e.code()).isEqualTo(56);
                    assertThat(e.isRetryable()).isFalse();
                });
        assertThat(new Migrations(ch, List.of()).applied()).extracting(Migrations.Applied::version).containsExactly(1, 2);
    }

    @Test
    void migrationsAreFoundInJarsToo(@TempDir Path tmp) throws IOException {
        Path jar = tmp.resolve("module.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("io/fnscope/jarmodule/migrations/"));
            entry(out, "io/fnscope/jarmodule/migrations/0200_create_from_jar.sql",
                    "CREATE TABLE IF NOT EXISTS `${database}`.from_jar (x UInt8) ENGINE = Memory");
            entry(out, "io/fnscope/jarmodule/migrations/README.txt", "not a migration");
            entry(out, "io/fnscope/jarmodule/migrations/nested/0201_ignored.sql", "SELECT 1");
        }
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, before)) {
            Thread.currentThread().setContextClassLoader(loader);
            List<Migrations.Migration> done = new Migrations(ch,
                    List.of(MigrationSet.of("jar", "io/fnscope/jarmodule/migrations/", Map.of()))).apply();
            assertThat(done).extracting(Migrations.Migration::resource)
                    .containsExactly("io/fnscope/jarmodule/migrations/0200_create_from_jar.sql");
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
        assertThat(showCreate("from_jar")).contains("ENGINE = Memory");
    }

    private static void entry(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        ((OutputStream) out).write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }

    private String showCreate(String table) {
        return ch.query("SHOW CREATE TABLE `" + ch.database() + "`.`" + table + "`", r -> r.getString("statement")).getFirst();
    }
}
