package io.fnscope.clickhouse;

import io.fnscope.clickhouse.embedded.EmbeddedClickHouse;
import io.fnscope.clickhouse.server.ServerClickHouse;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Builds the {@link ClickHouse} bean from {@link ClickHouseSettings}: the embedded engine or the server client,
 * then applies every {@link MigrationSet} bean (unless {@code fnscope.clickhouse.migrate=false}). The bean is
 * created only when something needs it, so a collector-only process never opens ClickHouse. Both transports are
 * plain classes: benchmarks and tests build them without Micronaut.
 */
@Factory
class ClickHouseFactory {

    @Singleton
    @Bean(preDestroy = "close")
    ClickHouse clickHouse(ClickHouseSettings settings, @Value("${fnscope.data-dir:data}") String dataDir,
                          List<MigrationSet> migrations) {
        ClickHouse clickHouse = open(settings, dataDir);
        if (settings.migrate()) {
            try {
                new Migrations(clickHouse, migrations).apply();
            } catch (RuntimeException e) {
                clickHouse.close();
                throw e;
            }
        }
        return clickHouse;
    }

    static ClickHouse open(ClickHouseSettings settings, String dataDir) {
        return switch (settings.transport()) {
            case EMBEDDED -> {
                ClickHouseSettings.Embedded e = settings.embeddedOrDefault();
                yield EmbeddedClickHouse.open(e.dataDirOr(dataDir), e.libraryOr(EmbeddedClickHouse.defaultLibrary()),
                        e.connections(), settings.defaults(), e.minFreeDisk());
            }
            case SERVER -> ServerClickHouse.create(settings.serverOrDefault(), settings.defaults());
        };
    }
}
