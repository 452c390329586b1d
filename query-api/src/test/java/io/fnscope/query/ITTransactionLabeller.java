package io.fnscope.query;

import io.fnscope.clickhouse.ConnectedTracesListener.Edge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fnscope.query.TestObjects.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The transaction labeller on the embedded ClickHouse: edges as the writer hands them over after a flush, labels
 * read back from transaction_edges. Each test has a tenant of its own.
 */
class ITTransactionLabeller {
    static QueryApiHarness api;
    static TransactionLabeller labeller;

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
        labeller = new TransactionLabeller(api.clickHouse, 1000, 10_000, new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        labeller.close();
        api.close();
    }

    @Test
    void aTransactionIsLabelledOnceItHasTwoTracesAndARedeliveredFlushWritesNothing() {
        // a produces m:1 (nothing to join yet); b consumes it and links to a; c links to b
        assertThat(labeller.label("chain", edges("a", "m:1"))).isZero();
        assertThat(labeller.label("chain", edges("b", "m:1", "b", "a", "c", "b"))).isEqualTo(4);
        assertThat(peers("chain", "c:a")).containsExactlyInAnyOrder("a", "b", "c", "m:1");
        assertThat(peers("chain", "b")).containsExactly("c:a");
        assertThat(peers("chain", "m:1")).as("a message needs no row to its label").isEmpty();
        assertThat(TransactionLabeller.labelFor("0af7651916cd43dd8448eb211c80319c")).isEqualTo("c:0af7651916cd43dd");
        assertThat(labeller.label("chain", edges("b", "m:1", "b", "a", "c", "b"))).isZero(); // redelivered
        assertThat(rows("chain", "c:a")).isEqualTo(4); // no row twice
        assertThat(rows("chain", "a") + rows("chain", "b") + rows("chain", "c")).isEqualTo(3);
        // The label's rows carry the nodes' time, so the search's time-bounded lookups find them.
        assertThat(api.clickHouse.query("SELECT toUnixTimestamp64Nano(min(start_time)) AS t FROM "
                + api.clickHouse.database() + ".transaction_edges WHERE tenant = 'chain' AND node = 'c:a'", Map.of(),
                r -> r.getLong("t")).getFirst()).isEqualTo(T0);
    }

    @Test
    void whenTwoTransactionsMeetTheSmallerJoinsTheLargersLabel() {
        labeller.label("merge", edges("a", "b"));
        labeller.label("merge", edges("x", "y", "y", "m:9", "z", "y"));
        assertThat(peers("merge", "c:a")).containsExactlyInAnyOrder("a", "b");
        assertThat(peers("merge", "c:x")).containsExactlyInAnyOrder("x", "y", "z", "m:9");
        // q, written later, links to b and consumes m:9: {a, b} joins {x, y, z, m:9}, the larger
        assertThat(labeller.label("merge", edges("q", "b", "q", "m:9"))).isEqualTo(3); // q, a, b
        assertThat(peers("merge", "c:x")).containsExactlyInAnyOrder("a", "b", "q", "x", "y", "z", "m:9");
        assertThat(peers("merge", "a")).containsExactlyInAnyOrder("c:a", "c:x"); // the old label stays, a subset
    }

    @Test
    void aLoneTraceATooBigTransactionAndAForgottenTraceAreLeftToTheSearch() {
        assertThat(labeller.label("lone", edges("solo", "m:only-mine", "solo", "m:also-mine"))).isZero();
        try (TransactionLabeller capped = new TransactionLabeller(api.clickHouse, 3, 100, new SimpleMeterRegistry())) {
            assertThat(capped.label("big", edges("t1", "t2", "t2", "t3"))).isEqualTo(3);
            assertThat(capped.label("big", edges("t3", "t4"))).isZero(); // 4 nodes over max-nodes 3: kept apart
            assertThat(peers("big", "t4")).isEmpty();
        }
        try (TransactionLabeller forgetful = new TransactionLabeller(api.clickHouse, 3, 3, new SimpleMeterRegistry())) {
            assertThat(forgetful.label("forget", edges("u1", "u2"))).isEqualTo(2);
            forgetful.label("forget", edges("u5", "u6", "u6", "u7")); // remembering 3 nodes: u1, u2 forgotten
            // u8 joining u1 labels the two afresh, under the same label, named for u1 (a label named for a trace
            // only ever holds that trace's transaction)
            assertThat(forgetful.label("forget", edges("u8", "u1"))).isEqualTo(2);
            assertThat(peers("forget", "c:u1")).containsExactlyInAnyOrder("u1", "u2", "u8");
        }
        // The same ids in two tenants are two transactions: tenant-b's label does not reach tenant-a's x1.
        labeller.label("tenant-a", edges("x1", "x2"));
        labeller.label("tenant-b", edges("x2", "x3"));
        assertThat(peers("tenant-b", "c:x2")).containsExactlyInAnyOrder("x2", "x3");
        assertThat(peers("tenant-a", "c:x1")).containsExactlyInAnyOrder("x1", "x2");
        assertThat(rows("other-tenant", "c:t1")).isZero();
        assertThat(rows("big", "c:u1")).isZero(); // tenants apart
    }

    @Test
    void theTransactionAnswerIsTheSameWithLabels() {
        ScenarioRows s = new ScenarioRows("acme", T0).write(api.clickHouse);
        List<String> before = new ArrayList<>();
        for (String t : List.of(s.t1, s.t2, s.t3, s.t4)) {
            before.add(api.get("/api/v1/transactions/" + t).body());
        }
        // What the writer would have handed over: the index's trace -> peer edges, in time order.
        List<Edge> written = api.clickHouse.query("SELECT node, peer, toUnixTimestamp64Nano(start_time) AS t FROM "
                        + api.clickHouse.database() + ".transaction_edges WHERE tenant = 'acme' AND NOT startsWith(node, 'm:')"
                        + " ORDER BY start_time", Map.of(),
                r -> new Edge(r.getString("node"), r.getString("peer"), r.getLong("t")));
        assertThat(labeller.label("acme", written)).isGreaterThanOrEqualTo(4);
        List<String> after = new ArrayList<>();
        for (String t : List.of(s.t1, s.t2, s.t3, s.t4)) {
            after.add(api.get("/api/v1/transactions/" + t).body());
        }
        assertThat(after).isEqualTo(before);
        assertThat(before.getFirst()).contains("\"spanCount\":12");
    }

    @Test
    void labelsAFailedInsertLostAreWrittenWhenTheTransactionGrowsAndABusyLabellerDropsFlushes() throws Exception {
        SwitchedInserts ch = new SwitchedInserts(api.clickHouse);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TransactionLabeller l = new TransactionLabeller(ch, 1000, 10_000, registry)) {
            ch.mode = "fail";
            assertThatThrownBy(() -> l.label("retry", edges("r1", "r2"))).hasMessageContaining("down");
            ch.mode = "pass";
            assertThat(l.label("retry", edges("r3", "r2"))).isEqualTo(3); // r1 and r2 again, with r3
            assertThat(peers("retry", "c:r1")).containsExactlyInAnyOrder("r1", "r2", "r3");

            // A labeller stuck in an insert: the writer's calls return at once, and what cannot wait is dropped.
            ch.mode = "block";
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                l.written(Map.of("busy", edges("b" + i, "c" + i)));
            }
            assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
            assertThat(registry.get("fnscope.transaction.labels.dropped").counter().count())
                    .isEqualTo(20 - 1 - 8); // one in the insert, eight waiting
            ch.release.countDown();
        }
    }

    /**
     * The real engine, with inserts that can be made to fail (as an unreachable server) or to wait: not a mock, what
     * gets through is stored and read back.
     */
    static final class SwitchedInserts implements io.fnscope.clickhouse.ClickHouse {
        final io.fnscope.clickhouse.ClickHouse engine;
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        volatile String mode = "pass";

        SwitchedInserts(io.fnscope.clickhouse.ClickHouse engine) {
            this.engine = engine;
        }

        @Override
        public String database() {
            return engine.database();
        }

        @Override
        public void execute(String sql, Map<String, ?> params, io.fnscope.clickhouse.QueryOptions options) {
            engine.execute(sql, params, options);
        }

        @Override
        public <T> List<T> query(String sql, Map<String, ?> params, io.fnscope.clickhouse.QueryOptions options,
                                 io.fnscope.clickhouse.RowMapper<T> mapper) {
            return engine.query(sql, params, options, mapper);
        }

        @Override
        public void insert(String table, List<io.fnscope.clickhouse.Column> columns,
                           io.fnscope.clickhouse.RowBinaryBody body, io.fnscope.clickhouse.InsertOptions options) {
            if ("fail".equals(mode)) {
                throw new io.fnscope.clickhouse.ClickHouseUnavailableException("ClickHouse is down (test)", true, null);
            }
            if ("block".equals(mode)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            engine.insert(table, columns, body, options);
        }

        @Override
        public void close() {
        }
    }

    /** Pairs of (trace, peer), at T0. */
    private static List<Edge> edges(String... pairs) {
        List<Edge> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(new Edge(pairs[i], pairs[i + 1], T0));
        }
        return out;
    }

    private static List<String> peers(String tenant, String node) {
        return api.clickHouse.query("SELECT DISTINCT peer FROM " + api.clickHouse.database() + ".transaction_edges"
                + " WHERE tenant = {tenant:String} AND node = {node:String}", Map.of("tenant", tenant, "node", node),
                r -> r.getString("peer"));
    }

    private static long rows(String tenant, String node) {
        return api.clickHouse.query("SELECT count() AS n FROM " + api.clickHouse.database() + ".transaction_edges"
                + " WHERE tenant = {tenant:String} AND node = {node:String}", Map.of("tenant", tenant, "node", node),
                r -> r.getLong("n")).getFirst();
    }
}
