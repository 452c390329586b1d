package io.fnscope.clickhouse.embedded;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ClickHouseContract;
import io.fnscope.clickhouse.ClickHouseDefaults;
import io.fnscope.clickhouse.SharedClickHouse;

/** The contract on the embedded engine (chDB): runs on every build. */
class ITEmbeddedClickHouse extends ClickHouseContract {

    @Override
    protected ClickHouse open(ClickHouseDefaults defaults) {
        return SharedClickHouse.newDatabase("unused", defaults);
    }
}
