package io.fnscope.query.alerts;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Channels, budgets and rules as JSON documents in {@code alert_config}: each write a new version, a delete a
 * version marked deleted, reads the last version of each id. Configuration is a few hundred rows per tenant, so
 * reading all of one type (the evaluator does, each round) is cheap.
 */
final class AlertConfigStore {
    enum Type { CHANNEL, BUDGET, RULE;
        String sqlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final List<Column> COLUMNS = List.of(Column.of("tenant", "LowCardinality(String)"),
            Column.of("type", "Enum8('channel' = 1, 'budget' = 2, 'rule' = 3)"), Column.of("id", "String"),
            Column.of("version", "UInt64"), Column.of("deleted", "UInt8"), Column.of("body", "String"));

    private final ClickHouse clickHouse;
    private final JsonMapper json;
    /** Versions are microseconds since the epoch, strictly increasing within this process. */
    private final AtomicLong lastVersion = new AtomicLong();

    AlertConfigStore(ClickHouse clickHouse, JsonMapper json) {
        this.clickHouse = clickHouse;
        this.json = json;
    }

    /** A document and whom it belongs to. */
    record Stored<T>(String tenant, String id, T value) {
    }

    <T> void put(String tenant, Type type, String id, T value) {
        write(tenant, type, id, false, bytes(value));
    }

    void delete(String tenant, Type type, String id) {
        write(tenant, type, id, true, new byte[0]);
    }

    <T> Optional<T> get(String tenant, Type type, String id, Class<T> as) {
        return read("tenant = {tenant:String} AND type = {type:String} AND id = {id:String}",
                Map.of("tenant", tenant, "type", type.sqlName(), "id", id), as).stream().findFirst().map(Stored::value);
    }

    <T> List<Stored<T>> list(String tenant, Type type, Class<T> as) {
        return read("tenant = {tenant:String} AND type = {type:String}",
                Map.of("tenant", tenant, "type", type.sqlName()), as);
    }

    /** Every tenant's documents of a type: what the evaluator walks. */
    <T> List<Stored<T>> all(Type type, Class<T> as) {
        return read("type = {type:String}", Map.of("type", type.sqlName()), as);
    }

    private <T> List<Stored<T>> read(String where, Map<String, ?> params, Class<T> as) {
        String sql = "SELECT tenant, id, argMax(body, version) AS body, argMax(deleted, version) AS is_deleted FROM "
                + clickHouse.database() + ".alert_config WHERE " + where
                + " GROUP BY tenant, id HAVING is_deleted = 0 ORDER BY tenant, id";
        return clickHouse.query(sql, params, r -> new Stored<>(r.getString("tenant"), r.getString("id"),
                parse(r.getString("body"), as)));
    }

    private void write(String tenant, Type type, String id, boolean deleted, byte[] body) {
        long version = lastVersion.updateAndGet(v -> Math.max(v + 1, System.currentTimeMillis() * 1000));
        clickHouse.insert(clickHouse.database() + ".alert_config", COLUMNS, out -> out.string(tenant)
                .enum8(type.ordinal() + 1).string(id).uint64(version).uint8(deleted ? 1 : 0).string(body),
                InsertOptions.NONE);
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T parse(String body, Class<T> as) {
        try {
            return json.readValue(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), Argument.of(as));
        } catch (IOException e) {
            throw new UncheckedIOException("alert configuration document is not readable as " + as.getSimpleName(), e);
        }
    }
}
