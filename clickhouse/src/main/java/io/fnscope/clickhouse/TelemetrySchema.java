package io.fnscope.clickhouse;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fnscope's telemetry tables: spans and their indexes, invocations, roll-ups, metrics, logs and Lambda platform
 * events ({@code io/fnscope/clickhouse/schema/01xx_*.sql}). Collector-free: the writer fills these tables and the
 * query API reads them, so the schema lives beside the access code both use. docs/storage.md explains the design.
 *
 * <p>Table and column names used in code are collected here so a rename shows up in one place.
 */
@Factory
public class TelemetrySchema {
    public static final String LOCATION = "io/fnscope/clickhouse/schema";

    /** Tables with a TTL, and the retention setting each follows. */
    public static final List<String> SPAN_TABLES = List.of("spans", "trace_index", "span_links", "messages");

    /**
     * @param retention          TTLs, in days
     * @param deduplicationWindow how many recent inserts each table remembers for {@code insert_deduplication_token}
     *                            (the writer's exactly-once guarantee holds for redeliveries within this many inserts)
     */
    public static MigrationSet migrations(RetentionSettings retention, int deduplicationWindow) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("spans_ttl_days", Integer.toString(retention.spansDays()));
        vars.put("invocations_ttl_days", Integer.toString(retention.invocationsDays()));
        vars.put("metrics_ttl_days", Integer.toString(retention.metricsDays()));
        vars.put("logs_ttl_days", Integer.toString(retention.logsDays()));
        vars.put("platform_events_ttl_days", Integer.toString(retention.platformEventsDays()));
        vars.put("rollups_ttl_days", Integer.toString(retention.rollupsDays()));
        vars.put("dedup_window", Integer.toString(deduplicationWindow));
        return MigrationSet.of("telemetry schema", LOCATION, vars);
    }

    /** Days of retention per table, as the TTL clauses use them. */
    public static Map<String, Integer> ttlDays(RetentionSettings r) {
        Map<String, Integer> days = new LinkedHashMap<>();
        for (String t : SPAN_TABLES) {
            days.put(t, r.spansDays());
        }
        // The query API's index of how traces connect (its own migration 0201) expires with the spans it indexes;
        // RetentionSync skips tables a database does not have.
        days.put("transaction_edges", r.spansDays());
        days.put("invocations", r.invocationsDays());
        days.put("function_minute", r.rollupsDays());
        days.put("function_hour", r.rollupsDays());
        days.put("edges_minute", r.rollupsDays());
        days.put("function_tags", r.rollupsDays());
        days.put("alert_claims", r.alertsDays());
        days.put("alert_events", r.alertsDays());
        days.put("alert_deliveries", r.alertsDays());
        days.put("metric_points", r.metricsDays());
        days.put("logs", r.logsDays());
        days.put("lambda_platform_events", r.platformEventsDays());
        return days;
    }

    @Singleton
    MigrationSet telemetrySchema(RetentionSettings retention,
                                 @Value("${fnscope.clickhouse.deduplication-window:10000}") int deduplicationWindow) {
        return migrations(retention, deduplicationWindow);
    }
}
