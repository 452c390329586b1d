package io.fnscope.clickhouse.server;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ClickHouseContract;
import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.ClickHouseSettings;
import org.junit.jupiter.api.DisplayName;
import org.testcontainers.clickhouse.ClickHouseContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.time.Duration;

/**
 * The contract on a real ClickHouse server over HTTP (client-v2), in a container. Needs Docker: where there is none
 * (this build machine), JUnit reports the class as skipped with Testcontainers' reason
 * ("disabledWithoutDocker is true and Docker is not available"), visible as "Skipped: 1" in the Failsafe summary.
 */
@Testcontainers(disabledWithoutDocker = true)
@DisplayName("ClickHouse server contract (needs Docker; skipped without it)")
class ITServerClickHouse extends ClickHouseContract {

    @Container
    static final ClickHouseContainer SERVER = new ClickHouseContainer("clickhouse/clickhouse-server:25.8");

    @Override
    protected ClickHouse open(ClickHouseDefaults defaults) {
        ClickHouseSettings.Server server = ClickHouseSettings.Server.defaults()
                .withUrl(SERVER.getHttpUrl(), SERVER.getUsername(), SERVER.getPassword())
                .withRetries(2, Duration.ofMillis(100));
        ServerClickHouse ch = ServerClickHouse.create(server, defaults);
        ch.execute("CREATE DATABASE IF NOT EXISTS `" + defaults.database() + "`");
        return ch;
    }
}
