package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks, before the writer starts, that every table it fills has exactly the columns the encoders write, in
 * order, with the same types. RowBinary has no names or separators: a column added, removed or retyped in the
 * schema without the writer would not fail the insert but shift every following value. So a mismatch stops the
 * writer with a message naming the table, the column and the fix.
 */
final class SchemaCheck {
    private SchemaCheck() {
    }

    /** @throws IllegalStateException naming each difference */
    static void verify(ClickHouse clickHouse) {
        List<String> problems = new ArrayList<>();
        for (Table t : Table.values()) {
            List<Column> actual = clickHouse.query(
                    "SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} "
                            + "ORDER BY position",
                    Map.of("db", clickHouse.database(), "t", t.tableName()),
                    r -> Column.of(r.getString("name"), r.getString("type")));
            if (actual.isEmpty()) {
                problems.add("table " + clickHouse.database() + "." + t.tableName() + " does not exist");
                continue;
            }
            List<Column> expected = t.columns();
            for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
                Column a = i < actual.size() ? actual.get(i) : null;
                Column e = i < expected.size() ? expected.get(i) : null;
                if (a == null) {
                    problems.add(t.tableName() + ": column " + (i + 1) + " should be " + e.name() + " " + e.type()
                            + " but the table has only " + actual.size() + " columns");
                } else if (e == null) {
                    problems.add(t.tableName() + ": column " + (i + 1) + " " + a.name() + " " + a.type()
                            + " is not written by this writer");
                } else if (!a.name().equals(e.name()) || !normalise(a.type()).equals(normalise(e.type()))) {
                    problems.add(t.tableName() + ": column " + (i + 1) + " is " + a.name() + " " + a.type()
                            + " but this writer writes " + e.name() + " " + e.type());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The ClickHouse tables do not match what this writer writes: "
                    + String.join("; ", problems) + ". The schema must come from the same fnscope version as the writer:"
                    + " let it apply its migrations (fnscope.clickhouse.migrate=true), or apply"
                    + " io/fnscope/clickhouse/schema/01xx_*.sql of this version, before starting the writer.");
        }
    }

    /** ClickHouse prints types without the spaces some declarations have. */
    private static String normalise(String type) {
        return type.replace(" ", "");
    }
}
