package io.fnscope.clickhouse;

import io.fnscope.clickhouse.internal.Identifiers;

import java.util.Objects;

/**
 * A column an insert writes: its name and its ClickHouse type exactly as the table declares it
 * ({@code LowCardinality(String)}, {@code DateTime64(9)}, {@code Map(LowCardinality(String), String)}...).
 *
 * @param name a plain identifier ({@code [A-Za-z_][A-Za-z0-9_]*}); quoted by the transport
 * @param type the ClickHouse type; it tells the embedded transport how to read the RowBinary bytes back
 */
public record Column(String name, String type) {
    public Column {
        Identifiers.requireIdentifier(name, "column name");
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("Column " + name + " has no type");
        }
    }

    public static Column of(String name, String type) {
        return new Column(name, type);
    }
}
