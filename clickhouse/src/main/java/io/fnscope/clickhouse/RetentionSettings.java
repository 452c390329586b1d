package io.fnscope.clickhouse;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How long ClickHouse keeps each kind of data, in days. Enforced by ClickHouse itself: every table has a TTL and is
 * partitioned by day, so expiry drops whole parts ({@code ttl_only_drop_parts}). Changing a value takes effect at the
 * next start of a writer ({@link RetentionSync}).
 *
 * @param spansDays          spans and their indexes (trace index, span links, messages)
 * @param invocationsDays    invocation rows (one per function execution, with cost)
 * @param metricsDays        OTLP metric points
 * @param logsDays           OTLP log records
 * @param platformEventsDays raw Lambda Telemetry API events
 * @param rollupsDays        per-minute roll-ups (functions, service-map edges): what dashboards and alerts read
 * @param alertsDays         alert history and delivery attempts
 */
@ConfigurationProperties("fnscope.retention")
public record RetentionSettings(
        @Bindable(defaultValue = "7") @Min(1) @Max(3650) int spansDays,
        @Bindable(defaultValue = "30") @Min(1) @Max(3650) int invocationsDays,
        @Bindable(defaultValue = "30") @Min(1) @Max(3650) int metricsDays,
        @Bindable(defaultValue = "7") @Min(1) @Max(3650) int logsDays,
        @Bindable(defaultValue = "7") @Min(1) @Max(3650) int platformEventsDays,
        @Bindable(defaultValue = "90") @Min(1) @Max(3650) int rollupsDays,
        @Bindable(defaultValue = "90") @Min(1) @Max(3650) int alertsDays) {

    public static RetentionSettings defaults() {
        return new RetentionSettings(7, 30, 30, 7, 7, 90, 90);
    }
}
