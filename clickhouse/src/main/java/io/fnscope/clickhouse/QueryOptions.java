package io.fnscope.clickhouse;

import io.fnscope.clickhouse.internal.Identifiers;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-call ClickHouse settings. Immutable; build with {@code QueryOptions.NONE.withTimeout(...).withMaxMemory(...)}.
 *
 * <p>For {@link ClickHouse#query}, a timeout or memory cap left unset falls back to the configured default
 * ({@code fnscope.clickhouse.query-timeout}, {@code fnscope.clickhouse.max-memory}); {@link ClickHouse#execute}
 * applies only what is set here.
 *
 * @param timeout        ClickHouse's {@code max_execution_time}: the server stops the query with code 159
 *                       (TIMEOUT_EXCEEDED) when it runs longer; null = default
 * @param maxMemoryBytes ClickHouse's {@code max_memory_usage}: the query fails with code 241 (MEMORY_LIMIT_EXCEEDED)
 *                       beyond it; null = default, 0 = no limit
 * @param settings       any other ClickHouse setting, by name, as text ({@code "max_threads" -> "2"})
 */
public record QueryOptions(Duration timeout, Long maxMemoryBytes, Map<String, String> settings) {

    /** Nothing set: defaults apply. */
    public static final QueryOptions NONE = new QueryOptions(null, null, Map.of());

    public QueryOptions {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("query timeout must be positive: " + timeout);
        }
        if (maxMemoryBytes != null && maxMemoryBytes < 0) {
            throw new IllegalArgumentException("max memory must be >= 0 bytes: " + maxMemoryBytes);
        }
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        settings.forEach((k, v) -> {
            Identifiers.requireIdentifier(k, "setting name");
            Objects.requireNonNull(v, () -> "setting " + k + " has no value");
        });
    }

    public QueryOptions withTimeout(Duration timeout) {
        return new QueryOptions(timeout, maxMemoryBytes, settings);
    }

    public QueryOptions withMaxMemory(long bytes) {
        return new QueryOptions(timeout, bytes, settings);
    }

    public QueryOptions withSetting(String name, Object value) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put(name, String.valueOf(value));
        return new QueryOptions(timeout, maxMemoryBytes, s);
    }

    /**
     * Every setting to send, in ClickHouse's names: {@code settings}, then {@code max_execution_time} and
     * {@code max_memory_usage} from the explicit fields, or from the given defaults where those are null
     * (pass nulls for no defaults).
     */
    public Map<String, String> effectiveSettings(Duration defaultTimeout, Long defaultMaxMemory) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        Duration t = timeout != null ? timeout : defaultTimeout;
        if (t != null) {
            all.put("max_execution_time", seconds(t));
        }
        Long m = maxMemoryBytes != null ? maxMemoryBytes : defaultMaxMemory;
        if (m != null) {
            all.put("max_memory_usage", Long.toString(m));
        }
        return all;
    }

    /** Decimal seconds with millisecond precision: ClickHouse's {@code max_execution_time} accepts fractions. */
    static String seconds(Duration d) {
        long ms = Math.max(1, d.toMillis());
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }
}
