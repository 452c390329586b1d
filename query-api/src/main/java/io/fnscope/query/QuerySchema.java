package io.fnscope.query;

import io.fnscope.clickhouse.MigrationSet;
import io.fnscope.clickhouse.RetentionSettings;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The query API's own tables ({@code io/fnscope/query/schema}, versions 0200-0299): the {@code transaction_edges} index
 * the transaction view searches, filled by materialized views from span_links and messages; {@code function_tags}
 * (what a tag-scoped budget or rule resolves to); and the alerts' configuration, claims, history and deliveries. Declared in every
 * process whatever its roles (unlike the rest of the query API), so that a writer-only process creates the views too
 * and no span written anywhere is missing from the index.
 */
@Factory
public class QuerySchema {
    static final String LOCATION = "io/fnscope/query/schema";

    @Singleton
    MigrationSet querySchema(RetentionSettings retention,
                             @Value("${fnscope.clickhouse.deduplication-window:10000}") int deduplicationWindow) {
        return migrations(retention, deduplicationWindow);
    }

    /** The query API's migrations, also applied by the writer benchmark so that its inserts feed every view. */
    public static MigrationSet migrations(RetentionSettings retention, int deduplicationWindow) {
        return MigrationSet.of("query API index", LOCATION,
                Map.of("spans_ttl_days", Integer.toString(retention.spansDays()),
                        "rollups_ttl_days", Integer.toString(retention.rollupsDays()),
                        "alerts_ttl_days", Integer.toString(retention.alertsDays()),
                        "dedup_window", Integer.toString(deduplicationWindow)));
    }
}
