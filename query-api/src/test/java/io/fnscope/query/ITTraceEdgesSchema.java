package io.fnscope.query;

import io.fnscope.clickhouse.SqlFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transaction index's storage: transaction_edges as 0212 creates it, and the move from trace_edges (0201-0211)
 * on a database that has edges, as on an upgraded server.
 */
class ITTraceEdgesSchema {
    static QueryApiHarness api;

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void idsAndTimesAreZstdInGranulesOf1024Rows() {
        String db = api.clickHouse.database();
        assertThat(api.clickHouse.query("SELECT name, compression_codec FROM system.columns WHERE database = {db:String} "
                        + "AND table = 'transaction_edges' ORDER BY position", Map.of("db", db),
                r -> r.getString("name") + " " + r.getString("compression_codec")))
                .containsExactly("tenant ", "node CODEC(ZSTD(1))", "peer CODEC(ZSTD(1))", "start_time CODEC(ZSTD(1))");
        assertThat(api.clickHouse.query("SELECT create_table_query AS q FROM system.tables WHERE database = {db:String}"
                + " AND name = 'transaction_edges'", Map.of("db", db), r -> r.getString("q")).getFirst())
                .contains("index_granularity = 1024").contains("max_compress_block_size = 65536");
        // The old table and its views are gone; the new views are there.
        assertThat(api.clickHouse.query("SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE '%edges%'"
                + " ORDER BY name", Map.of("db", db), r -> r.getString("name")))
                .contains("transaction_edges", "transaction_edges_links_mv", "transaction_edges_messages_mv")
                .doesNotContain("trace_edges", "trace_edges_links_mv", "trace_edges_messages_mv");
    }

    @Test
    void theEdgesOfTraceEdgesMoveToTransactionEdgesAndARepeatedCopyReadsOnce() {
        String db = api.clickHouse.database();
        // As on a server upgraded from 0211: trace_edges with an edge, then the copy (twice, as after a crash before
        // it was recorded) and the drop.
        Map<String, String> vars = Map.of("database", db, "spans_ttl_days", "7", "dedup_window", "100");
        for (String m : List.of("0201_trace_edges.sql", "0210_trace_edges_small_compressed_blocks.sql",
                "0211_trace_edges_zstd.sql")) {
            api.clickHouse.execute(SqlFile.render(QuerySchema.LOCATION + "/" + m, vars));
        }
        api.clickHouse.execute("INSERT INTO " + db + ".trace_edges VALUES ('moved', '0af7651916cd43dd8448eb211c80319c',"
                + " 'm:msg-1', fromUnixTimestamp64Nano(toInt64(1796637600123456789))), ('moved', 'm:msg-1',"
                + " '0af7651916cd43dd8448eb211c80319c', fromUnixTimestamp64Nano(toInt64(1796637600123456789)))");
        api.clickHouse.execute(SqlFile.render(QuerySchema.LOCATION + "/0217_copy_trace_edges.sql", vars));
        api.clickHouse.execute("INSERT INTO " + db + ".trace_edges VALUES ('moved', 'c:1', 'm:msg-1',"
                + " fromUnixTimestamp64Nano(toInt64(1796637600123456789)))"); // a label the labeller wrote meanwhile
        api.clickHouse.execute(SqlFile.render(QuerySchema.LOCATION + "/0217_copy_trace_edges.sql", vars));
        api.clickHouse.execute(SqlFile.render(QuerySchema.LOCATION + "/0218_drop_trace_edges.sql", vars));
        api.clickHouse.execute(SqlFile.render(QuerySchema.LOCATION + "/0218_drop_trace_edges.sql", vars));

        assertThat(api.clickHouse.query("SELECT count() AS n FROM system.tables WHERE database = {db:String}"
                + " AND name = 'trace_edges'", Map.of("db", db), r -> r.getLong("n"))).containsExactly(0L);
        String lookup = SqlFile.render(QuerySql.LOCATION + "select_edges_of_nodes.sql", Map.of("database", db));
        assertThat(api.clickHouse.query(lookup, Map.of("tenant", "moved", "nodes",
                        List.of("0af7651916cd43dd8448eb211c80319c", "m:msg-1", "c:1"),
                        "from", Instant.parse("2026-12-07T00:00:00Z"),
                        "to", Instant.parse("2026-12-08T00:00:00Z"), "limit", 100),
                r -> r.getString("node") + " " + r.getString("peer")))
                .containsExactlyInAnyOrder("0af7651916cd43dd8448eb211c80319c m:msg-1",
                        "m:msg-1 0af7651916cd43dd8448eb211c80319c", "c:1 m:msg-1");
    }
}
