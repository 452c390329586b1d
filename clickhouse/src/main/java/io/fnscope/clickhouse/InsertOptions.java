package io.fnscope.clickhouse;

import io.fnscope.clickhouse.internal.Identifiers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-insert settings.
 *
 * @param deduplicationToken ClickHouse's {@code insert_deduplication_token}: a second insert with the same token into
 *                           the same table is dropped by ClickHouse (on MergeTree tables with
 *                           {@code non_replicated_deduplication_window > 0}, or replicated tables), so a writer can
 *                           retry a batch whose outcome it does not know. Derive it from what identifies the batch
 *                           (e.g. topic, partition and offset range) and keep the batch's rows identical across
 *                           retries: ClickHouse numbers the blocks of one insert under the token. Null = none.
 * @param settings           any other ClickHouse setting, by name, as text
 *                           ({@code deduplicate_blocks_in_dependent_materialized_views -> 1})
 * @param format             the input format the body writes: {@link Format#ROW_BINARY} (the default) or
 *                           {@link Format#NATIVE}
 */
public record InsertOptions(String deduplicationToken, Map<String, String> settings, Format format) {

    public static final InsertOptions NONE = new InsertOptions(null, Map.of(), Format.ROW_BINARY);

    /**
     * What the body of an insert is written in. Both go through {@link RowBinaryWriter} (same primitives: LEB128
     * lengths, little-endian numbers) and both transports take both.
     */
    public enum Format {
        /** Row by row; the columns' types are those of the insert's column list. */
        ROW_BINARY("RowBinary"),
        /**
         * Column by column, in blocks that carry each column's name and type. ClickHouse reads it in bulk: measured
         * on the writer's span rows (31 columns, maps of ~30 entries per row), 0.1-0.17 s per 100k rows against
         * 1.2 s for the same rows in RowBinary (writer/RATIONALE.md). The column list's types must be those the
         * blocks declare; ClickHouse converts them to the table's (String to LowCardinality(String)...).
         */
        NATIVE("Native");

        private final String clickHouseName;

        Format(String clickHouseName) {
            this.clickHouseName = clickHouseName;
        }

        /** The format's name in ClickHouse ({@code RowBinary}, {@code Native}). */
        public String clickHouseName() {
            return clickHouseName;
        }
    }

    public InsertOptions(String deduplicationToken, Map<String, String> settings) {
        this(deduplicationToken, settings, Format.ROW_BINARY);
    }

    public InsertOptions {
        format = format == null ? Format.ROW_BINARY : format;
        if (deduplicationToken != null && deduplicationToken.isEmpty()) {
            throw new IllegalArgumentException("an empty deduplication token would disable deduplication; pass null");
        }
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        settings.forEach((k, v) -> {
            Identifiers.requireIdentifier(k, "setting name");
            Objects.requireNonNull(v, () -> "setting " + k + " has no value");
        });
        if (settings.containsKey("insert_deduplication_token")) {
            throw new IllegalArgumentException("set the token with withDeduplicationToken, not as a raw setting");
        }
    }

    public static InsertOptions deduplicatedBy(String token) {
        return NONE.withDeduplicationToken(token);
    }

    public InsertOptions withDeduplicationToken(String token) {
        return new InsertOptions(token, settings, format);
    }

    public InsertOptions withSetting(String name, Object value) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put(name, String.valueOf(value));
        return new InsertOptions(deduplicationToken, s, format);
    }

    /**
     * Lifts ClickHouse's limit of 100 partitions per insert. fnscope's telemetry tables are partitioned by day, and
     * a batch whose rows spread over more days (a backfill, a client with a broken clock) would otherwise be
     * refused with TOO_MANY_PARTS, the code ClickHouse also gives when merges fall behind and that callers retry:
     * such a batch would be retried for good. A caller's batches are bounded, so their parts are too.
     */
    public InsertOptions acrossAnyNumberOfDays() {
        return withSetting("max_partitions_per_insert_block", 0);
    }

    public InsertOptions withFormat(Format format) {
        return new InsertOptions(deduplicationToken, settings, format);
    }

    /** Every setting to send, the token included, in ClickHouse's names. */
    public Map<String, String> effectiveSettings() {
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (deduplicationToken != null) {
            all.put("insert_deduplication_token", deduplicationToken);
        }
        return all;
    }
}
