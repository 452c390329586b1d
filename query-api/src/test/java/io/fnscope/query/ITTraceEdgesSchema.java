package io.fnscope.query;

import io.fnscope.clickhouse.SqlFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** trace_edges' storage: the codecs of 0211, and that changing them rewrites no part of a table that has data. */
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
    void idsAndTimesAreZstdAndTheChangeIsMetadataOnly() {
        String db = api.clickHouse.database();
        assertThat(api.clickHouse.query("SELECT name, compression_codec FROM system.columns WHERE database = {db:String} "
                        + "AND table = 'trace_edges' ORDER BY position", Map.of("db", db),
                r -> r.getString("name") + " " + r.getString("compression_codec")))
                .containsExactly("tenant ", "node CODEC(ZSTD(1))", "peer CODEC(ZSTD(1))", "start_time CODEC(ZSTD(1))");

        // As on an upgraded server: rows written before the migration, then the migration again.
        api.clickHouse.execute("INSERT INTO " + db + ".trace_edges SELECT 'codec', '0af7651916cd43dd8448eb211c80319c', "
                + "'m:msg-1', fromUnixTimestamp64Nano(toInt64(1796637600123456789))");
        api.clickHouse.execute(SqlFile.render(QuerySchema.LOCATION + "/0211_trace_edges_zstd.sql", Map.of("database", db)));
        assertThat(api.clickHouse.query("SELECT count() AS n FROM system.mutations WHERE database = {db:String} "
                + "AND table = 'trace_edges'", Map.of("db", db), r -> r.getLong("n"))).containsExactly(0L);
        assertThat(api.clickHouse.query("SELECT peer, toUnixTimestamp64Nano(start_time) AS t FROM " + db
                        + ".trace_edges WHERE tenant = 'codec' AND node = '0af7651916cd43dd8448eb211c80319c'",
                Map.of(), r -> r.getString("peer") + " " + r.getLong("t")))
                .containsExactly("m:msg-1 1796637600123456789");
    }
}
