package io.fnscope.clickhouse;

import io.fnscope.clickhouse.embedded.EmbeddedClickHouse;
import io.fnscope.clickhouse.server.ServerClickHouse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Micronaut wiring: configuration keys, their defaults, the lazily built bean, contributed migrations. */
class ITClickHouseFactory {

    @Factory
    @Requires(property = "spec.name", value = "ITClickHouseFactory")
    static class ContributedMigrations {
        @Singleton
        MigrationSet base() {
            return MigrationSet.of("base", "io/fnscope/clickhouse/testmigrations/base", Map.of());
        }
    }

    @Test
    void theEmbeddedBeanIsBuiltOnFirstUseMigratedAndClosedWithTheContext() {
        String database = SharedClickHouse.uniqueName("factory");
        ClickHouse shared = SharedClickHouse.engine();
        ClickHouse bean;
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "spec.name", "ITClickHouseFactory",
                "fnscope.collector.enabled", "false",
                "fnscope.writer.enabled", "false",
                "fnscope.clickhouse.database", database,
                "fnscope.clickhouse.embedded.data-dir", SharedClickHouse.dataDir().toString()))) {
            ClickHouseSettings s = ctx.getBean(ClickHouseSettings.class);
            assertThat(s.transport()).isEqualTo(ClickHouseSettings.Transport.EMBEDDED);
            assertThat(s.queryTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(s.maxMemory()).isEqualTo(1L << 30);
            assertThat(s.migrate()).isTrue();
            assertThat(s.embeddedOrDefault().connections()).isEqualTo(4);
            assertThat(databaseExists(shared, database)).as("not opened before something needs it").isFalse();

            bean = ctx.getBean(ClickHouse.class);
            assertThat(bean).isInstanceOf(EmbeddedClickHouse.class);
            assertThat(bean.database()).isEqualTo(database);
            assertThat(bean.query("SELECT version, name FROM `" + database + "`.schema_migrations ORDER BY version",
                    r -> r.getInt("version") + " " + r.getString("name")))
                    .as("the test's own migration set and the telemetry schema, in version order")
                    .startsWith("1 create_events", "2 add_events_kind", "101 spans")
                    .contains("110 invocations", "117 lambda_platform_events");
            assertThat(ctx.getBean(ClickHouse.class)).isSameAs(bean);
        }
        assertThatThrownBy(() -> bean.query("SELECT 1", r -> 1)).hasMessage("This EmbeddedClickHouse was closed");
        assertThat(databaseExists(shared, database)).as("the shared engine stays open").isTrue();
        shared.execute("DROP DATABASE `" + database + "`");
    }

    @Test
    void theServerTransportIsConfiguredFromItsKeysAndNeverShowsThePassword() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "fnscope.clickhouse.transport", "server",
                "fnscope.clickhouse.migrate", "false",
                "fnscope.clickhouse.max-memory", "512MB",
                "fnscope.clickhouse.query-timeout", "5s",
                "fnscope.clickhouse.server.url", "http://clickhouse.invalid:8123",
                "fnscope.clickhouse.server.username", "writer",
                "fnscope.clickhouse.server.password", "pa55word",
                "fnscope.clickhouse.server.retries", "5"))) {
            ClickHouseSettings s = ctx.getBean(ClickHouseSettings.class);
            assertThat(s.transport()).isEqualTo(ClickHouseSettings.Transport.SERVER);
            assertThat(s.maxMemory()).isEqualTo(512L << 20);
            assertThat(s.defaults()).isEqualTo(new ClickHouseDefaults("fnscope", Duration.ofSeconds(5), 512L << 20));
            ClickHouseSettings.Server server = s.serverOrDefault();
            assertThat(server.retries()).isEqualTo(5);
            assertThat(server.maxConnections()).isEqualTo(16);
            assertThat(server.socketTimeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(server.compression()).isTrue();
            assertThat(server.toString()).doesNotContain("pa55word");
            ClickHouse bean = ctx.getBean(ClickHouse.class);
            assertThat(bean).isInstanceOf(ServerClickHouse.class);
            assertThat(bean.toString()).isEqualTo("ServerClickHouse[http://clickhouse.invalid:8123, user writer, database fnscope]");
        }
    }

    @Test
    void aDatabaseNameThatIsNotAnIdentifierIsRefusedAtStartUp() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("fnscope.clickhouse.database", "fn-scope"))) {
            assertThatThrownBy(() -> ctx.getBean(ClickHouseSettings.class))
                    .hasMessageContaining("Failed to inject value for parameter [database]")
                    .cause().hasMessageContaining("ClickHouseSettings.database - must match \"[A-Za-z_][A-Za-z0-9_]*\"");
        }
    }

    private static boolean databaseExists(ClickHouse ch, String name) {
        return ch.query("SELECT count() AS n FROM system.databases WHERE name = {d:String}", Map.of("d", name),
                r -> r.getLong("n")).getFirst() == 1;
    }
}
