package io.fnscope.query.alerts;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * First writer wins, through ClickHouse: a claim is a row inserted with its key as the insert's deduplication token,
 * so of several evaluators claiming the same key (the lease of a term) the engine keeps the first row and drops the
 * others, and reading the key back tells each whether it won. (Alert events are claimed the same way, by their own
 * insert: {@link AlertHistory#recordOnce}.) Works the same on the embedded
 * engine, a single server and replicated tables (whose deduplication is shared through Keeper); no other
 * coordination service is needed.
 *
 * <p>Each attempt claims as a fresh owner ({@code node/uuid}), so a key claimed earlier, even by this node, is never
 * won again: a claim means "do this once".
 */
final class Claims {
    private static final List<Column> COLUMNS = List.of(Column.of("key", "String"), Column.of("owner", "String"),
            Column.of("claimed_at", "DateTime64(3)"));

    private final ClickHouse clickHouse;
    private final String node;

    Claims(ClickHouse clickHouse, String node) {
        this.clickHouse = clickHouse;
        this.node = node;
    }

    String node() {
        return node;
    }

    /** True when this call, and no earlier one anywhere, claimed {@code key}. */
    boolean claim(String key, Instant now) {
        if (owner(key) != null) {
            return false;
        }
        String me = node + "/" + UUID.randomUUID();
        clickHouse.insert(clickHouse.database() + ".alert_claims", COLUMNS,
                out -> out.string(key).string(me).dateTime64(now, 3), InsertOptions.deduplicatedBy("claim:" + key));
        return me.equals(owner(key));
    }

    /** Who claimed {@code key} first, or null. */
    String owner(String key) {
        List<String> owners = clickHouse.query("SELECT owner FROM " + clickHouse.database()
                        + ".alert_claims WHERE key = {key:String} ORDER BY claimed_at, owner LIMIT 1",
                Map.of("key", key), r -> r.getString("owner"));
        return owners.isEmpty() ? null : owners.getFirst();
    }
}
