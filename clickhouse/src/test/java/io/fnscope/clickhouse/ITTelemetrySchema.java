package io.fnscope.clickhouse;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The telemetry schema applies on the embedded engine, twice without change, and follows retention changes. */
class ITTelemetrySchema {

    @Test
    void appliesIdempotentlyAndFollowsRetention() {
        try (ClickHouse ch = SharedClickHouse.newDatabase("schema")) {
            MigrationSet schema = TelemetrySchema.migrations(RetentionSettings.defaults(), 1000);
            new Migrations(ch, List.of(schema)).apply();
            List<String> tables = ch.query("SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name",
                    Map.of("db", ch.database()), r -> r.getString("name"));
            assertThat(tables).contains("spans", "trace_index", "trace_index_mv", "span_links", "span_links_mv",
                    "messages", "messages_mv", "invocations", "function_minute", "function_minute_mv", "function_hour", "function_hour_mv", "edges_minute",
                    "edges_minute_mv", "metric_points", "logs", "lambda_platform_events", "schema_migrations");
            long applied = ch.query("SELECT count() AS n FROM " + ch.database() + ".schema_migrations", r -> r.getLong("n")).getFirst();

            new Migrations(ch, List.of(schema)).apply();
            assertThat(ch.query("SELECT count() AS n FROM " + ch.database() + ".schema_migrations", r -> r.getLong("n")).getFirst())
                    .isEqualTo(applied);
            assertThat(RetentionSync.apply(ch, RetentionSettings.defaults())).isEmpty();

            var longer = new RetentionSettings(14, 30, 30, 7, 7, 90, 90);
            assertThat(RetentionSync.apply(ch, longer)).containsExactly("messages", "span_links", "spans", "trace_index");
            String engine = ch.query("SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'spans'",
                    Map.of("db", ch.database()), r -> r.getString("engine_full")).getFirst();
            assertThat(engine).contains("TTL toDateTime(start_time) + toIntervalDay(14)");
            assertThat(RetentionSync.apply(ch, longer)).isEmpty();
        }
    }
}
