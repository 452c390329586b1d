package io.fnscope.clickhouse;

/** Turns the current row of a query result into a value. */
@FunctionalInterface
public interface RowMapper<T> {
    T map(Row row);
}
