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
                    "edge_calls", "edge_calls_mv", "metric_points", "logs", "lambda_platform_events", "schema_migrations")
                    .doesNotContain("edges_minute_mv"); // replaced by the writer's edge_calls (0132)
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

            // No free-text or id column falls back to the default LZ4, which has no entropy coding (a random id
            // keeps ~3/4 of its bytes; 0129). FixedString ids are random bytes, LowCardinality a dictionary:
            // neither gains from ZSTD. (schema_migrations: a few rows of bookkeeping.)
            assertThat(ch.query("SELECT c.table AS t, c.name AS n, c.type AS ty FROM system.columns AS c "
                            + "JOIN system.tables AS t ON t.database = c.database AND t.name = c.table "
                            + "WHERE c.database = {db:String} AND t.engine LIKE '%MergeTree' AND c.compression_codec = '' "
                            + "AND c.table != 'schema_migrations' "
                            + "AND replaceAll(replaceAll(c.type, 'LowCardinality(String)', ''), 'FixedString', '') LIKE '%String%'",
                    Map.of("db", ch.database()), r -> r.getString("t") + "." + r.getString("n") + " " + r.getString("ty")))
                    .isEmpty();
        }
    }
}
