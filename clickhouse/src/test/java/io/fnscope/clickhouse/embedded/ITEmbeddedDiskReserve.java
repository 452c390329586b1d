package io.fnscope.clickhouse.embedded;

import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.ClickHouseQueryException;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import io.fnscope.clickhouse.SharedClickHouse;
import io.fnscope.clickhouse.internal.ErrorCodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code fnscope.clickhouse.embedded.min-free-disk}: inserts into the embedded engine keep that much free on the
 * data's disk, so that the embedded Kafka log beside it keeps room for its own appends. A refused insert is
 * NOT_ENOUGH_SPACE, transient (the writer waits and retries), and says which key keeps the space.
 */
class ITEmbeddedDiskReserve {
    private static final List<Column> COLUMNS = List.of(Column.of("n", "UInt64"));

    @Test
    void anInsertThatWouldLeaveLessThanTheReserveIsRefusedAsTransientNamingTheKey() throws IOException {
        String db = SharedClickHouse.uniqueName("reserve");
        SharedClickHouse.engine().execute("CREATE DATABASE " + db);
        SharedClickHouse.engine().execute("CREATE TABLE " + db + ".t (n UInt64) ENGINE = MergeTree ORDER BY n");
        long free = Files.getFileStore(SharedClickHouse.dataDir()).getUsableSpace();
        try (EmbeddedClickHouse tight = EmbeddedClickHouse.open(SharedClickHouse.dataDir(),
                EmbeddedClickHouse.defaultLibrary(), 4, ClickHouseDefaults.of(db), free * 2);
             EmbeddedClickHouse roomy = EmbeddedClickHouse.open(SharedClickHouse.dataDir(),
                     EmbeddedClickHouse.defaultLibrary(), 4, ClickHouseDefaults.of(db), 1024 * 1024)) {
            assertThatThrownBy(() -> tight.insert("t", COLUMNS, out -> out.uint64(1), InsertOptions.NONE))
                    .isInstanceOfSatisfying(ClickHouseQueryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCodes.NOT_ENOUGH_SPACE);
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).contains("(fnscope.clickhouse.embedded.min-free-disk): free space"
                                + " there; the writer retries and nothing is lost]");
                    });
            roomy.insert("t", COLUMNS, out -> out.uint64(2), InsertOptions.NONE);
            // An insert's own setting wins over the reserve (as a table's does).
            tight.insert("t", COLUMNS, out -> out.uint64(3),
                    InsertOptions.NONE.withSetting("min_free_disk_bytes_to_perform_insert", 0));
            assertThat(roomy.query("SELECT n FROM " + db + ".t ORDER BY n", Map.of(), r -> r.getLong("n"))).containsExactly(2L, 3L);
        } finally {
            SharedClickHouse.engine().execute("DROP DATABASE " + db);
        }
    }
}
