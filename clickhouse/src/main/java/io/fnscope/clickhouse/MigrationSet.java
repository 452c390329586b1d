package io.fnscope.clickhouse;

import java.util.Map;
import java.util.Objects;

/**
 * The migrations one module contributes: the files {@code NNNN_what_it_does.sql} in a classpath folder, and the
 * values of the variables they use besides {@code ${database}}. A module contributes a set by declaring it as a
 * bean; the ClickHouse bean applies every set before anyone can use it:
 *
 * <pre>{@code
 * @Singleton
 * MigrationSet writerSchema(WriterSettings s) {
 *     return MigrationSet.of("writer", "io/fnscope/writer/migrations", Map.of("span_ttl_days", "" + s.spanTtlDays()));
 * }
 * }</pre>
 *
 * Versions are global across sets (one {@code schema_migrations} table): give each module its own range
 * (clickhouse 0001-0099, writer 0100-0199, query-api 0200-0299, cost 0300-0399); a version used twice is refused.
 *
 * @param name      who contributes it, for messages
 * @param location  classpath folder, e.g. {@code io/fnscope/writer/migrations}
 * @param variables values of {@code ${name}} variables
 */
public record MigrationSet(String name, String location, Map<String, String> variables) {
    public MigrationSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        location = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        if (location.startsWith("/")) {
            location = location.substring(1);
        }
        variables = variables == null ? Map.of() : Map.copyOf(variables);
        if (variables.containsKey("database")) {
            throw new IllegalArgumentException("migration set " + name + ": ${database} is set by fnscope.clickhouse.database");
        }
    }

    public static MigrationSet of(String name, String location, Map<String, String> variables) {
        return new MigrationSet(name, location, variables);
    }
}
