package io.fnscope.query;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.fnscope.query.TestObjects.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transaction labeller on the embedded ClickHouse: edges written into trace_edges as the views write them (both
 * directions), then labelled as the writer's process would after a flush. Each test has a tenant of its own.
 */
class ITTransactionLabeller {
    static QueryApiHarness api;
    static TransactionLabeller labeller;

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
        labeller = new TransactionLabeller(api.clickHouse, 1000, 1.0, new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        labeller.close();
        api.close();
    }

    @Test
    void aTransactionIsLabelledOnceWhicheverTraceIsWrittenAndLabellingAgainWritesNothing() {
        edges("chain", "a", "b", "b", "c", "a", "m:1");
        assertThat(labeller.label("chain", List.of("b"))).isEqualTo(4); // a, b, c and a's message
        assertThat(members("chain", "c:a")).containsExactlyInAnyOrder("a", "b", "c", "m:1");
        assertThat(labelsOf("chain", "c")).containsExactly("c:a");
        assertThat(labeller.label("chain", List.of("a", "b", "c"))).isZero(); // a redelivered flush
        assertThat(members("chain", "c:a")).hasSize(4);
        assertThat(rows("chain", "c:a")).isEqualTo(4); // no row twice
    }

    @Test
    void aLaterTraceThatJoinsTwoTransactionsMergesTheirLabels() {
        edges("merge", "a", "b", "x", "y", "y", "m:9");
        labeller.label("merge", List.of("a", "b"));
        labeller.label("merge", List.of("y"));
        assertThat(members("merge", "c:x")).containsExactlyInAnyOrder("x", "y", "m:9");
        // q, written later, links to b and consumes m:9
        edges("merge", "q", "b", "q", "m:9");
        assertThat(labeller.label("merge", List.of("q"))).isEqualTo(4); // q joins c:a, and so do x, y and m:9
        assertThat(members("merge", "c:a")).containsExactlyInAnyOrder("a", "b", "q", "x", "y", "m:9");
        assertThat(labelsOf("merge", "x")).containsExactly("c:a", "c:x"); // the old label stays, a subset
    }

    @Test
    void aLoneTraceATooBigTransactionAndAnotherTenantAreLeftAlone() {
        edges("lone", "solo", "m:only-mine");
        assertThat(labeller.label("lone", List.of("solo"))).isZero(); // one trace and its message: nothing to join
        edges("big", "t1", "t2", "t2", "t3", "t3", "t4");
        try (TransactionLabeller small = new TransactionLabeller(api.clickHouse, 3, 1.0, new SimpleMeterRegistry())) {
            assertThat(small.label("big", List.of("t4"))).isZero(); // 4 nodes over max-nodes 3
            assertThat(small.label("other-tenant", List.of("t4"))).isZero(); // the edges are tenant big's
        }
        assertThat(labeller.label("big", List.of("t4"))).isEqualTo(4);
        assertThat(rows("other-tenant", "c:t1")).isZero();
    }

    @Test
    void theTransactionAnswerIsTheSameWithLabels() {
        ScenarioRows s = new ScenarioRows("acme", T0).write(api.clickHouse);
        List<String> before = new ArrayList<>();
        for (String t : List.of(s.t1, s.t2, s.t3, s.t4)) {
            before.add(api.get("/api/v1/transactions/" + t).body());
        }
        assertThat(labeller.label("acme", List.of(s.t3))).isGreaterThanOrEqualTo(4);
        List<String> after = new ArrayList<>();
        for (String t : List.of(s.t1, s.t2, s.t3, s.t4)) {
            after.add(api.get("/api/v1/transactions/" + t).body());
        }
        assertThat(after).isEqualTo(before);
        assertThat(before.getFirst()).contains("\"spanCount\":12");
    }

    /** Pairs of nodes, each edge in both directions as the views write them. */
    private static void edges(String tenant, String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            api.clickHouse.execute("INSERT INTO " + api.clickHouse.database() + ".trace_edges VALUES"
                            + " ({tenant:String}, {a:String}, {b:String}, fromUnixTimestamp64Nano({t:Int64})),"
                            + " ({tenant:String}, {b:String}, {a:String}, fromUnixTimestamp64Nano({t:Int64}))",
                    Map.of("tenant", tenant, "a", pairs[i], "b", pairs[i + 1], "t", T0));
        }
    }

    private static List<String> members(String tenant, String label) {
        return peers(tenant, label);
    }

    private static List<String> labelsOf(String tenant, String node) {
        return peers(tenant, node).stream().filter(p -> p.startsWith("c:")).sorted().toList();
    }

    private static List<String> peers(String tenant, String node) {
        return api.clickHouse.query("SELECT DISTINCT peer FROM " + api.clickHouse.database() + ".trace_edges"
                + " WHERE tenant = {tenant:String} AND node = {node:String}", Map.of("tenant", tenant, "node", node),
                r -> r.getString("peer"));
    }

    private static long rows(String tenant, String node) {
        return api.clickHouse.query("SELECT count() AS n FROM " + api.clickHouse.database() + ".trace_edges"
                + " WHERE tenant = {tenant:String} AND node = {node:String}", Map.of("tenant", tenant, "node", node),
                r -> r.getLong("n")).getFirst();
    }
}
