package io.fnscope.clickhouse;

import io.fnscope.clickhouse.internal.Identifiers;

import java.time.Duration;

/**
 * What every transport needs besides its connection details.
 *
 * @param database       fnscope's database ({@code fnscope.clickhouse.database})
 * @param queryTimeout   default {@code max_execution_time} of {@link ClickHouse#query} calls; null = none
 * @param maxMemoryBytes default {@code max_memory_usage} of {@link ClickHouse#query} calls; null = none
 */
public record ClickHouseDefaults(String database, Duration queryTimeout, Long maxMemoryBytes) {
    public ClickHouseDefaults {
        Identifiers.requireIdentifier(database, "fnscope.clickhouse.database");
    }

    /** Database {@code fnscope}, no default limits: for tests and tools. */
    public static ClickHouseDefaults of(String database) {
        return new ClickHouseDefaults(database, null, null);
    }
}
