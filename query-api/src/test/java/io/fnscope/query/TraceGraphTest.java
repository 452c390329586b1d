package io.fnscope.query;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exploration of transaction_edges on small hand-made graphs (the edges as transaction_edges stores them: both directions of
 * each link, trace <-> message for each messaging span). ITTransactionApi covers the same search on real rows.
 */
class TraceGraphTest {
    /** transaction_edges in memory, counting the lookups (round trips) a search makes. */
    static final class Index implements TraceGraph.Edges {
        final Map<String, Set<String>> rows = new HashMap<>();
        final List<List<String>> lookups = new ArrayList<>();

        Index link(String from, String to) {
            rows.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
            rows.computeIfAbsent(to, k -> new LinkedHashSet<>()).add(from);
            return this;
        }

        Index message(String trace, String id) {
            return link(trace, "m:" + id);
        }

        @Override
        public Map<String, Set<String>> apply(List<String> nodes) {
            lookups.add(nodes);
            Map<String, Set<String>> out = new HashMap<>();
            for (String n : nodes) {
                if (rows.containsKey(n)) {
                    out.put(n, rows.get(n));
                }
            }
            return out;
        }
    }

    @Test
    void aChainOfLinksTakesOneRoundTripPerHopAndStopsOneBeyondMaxDepth() {
        Index index = new Index();
        for (int i = 0; i < 9; i++) {
            index.link("t" + (i + 1), "t" + i); // t(i+1) links to t(i)
        }
        TraceGraph g = TraceGraph.explore("t0", 3, 100, index);
        // t1..t3 within depth 3, t4 found (it tells that the depth bound cuts) but not explored
        assertThat(g.traces()).containsExactly("t0", "t1", "t2", "t3", "t4");
        assertThat(index.lookups).containsExactly(List.of("t0"), List.of("t1"), List.of("t2"), List.of("t3"));
        assertThat(g.peers("t2")).containsExactly("t1", "t3");
        assertThat(g.capped()).isFalse();
    }

    @Test
    void aMessageConnectsItsProducerWithEveryConsumerAsOneHop() {
        Index index = new Index().message("producer", "42").message("consumer-a", "42").message("consumer-b", "42")
                .message("consumer-b", "43").message("late", "43");
        TraceGraph g = TraceGraph.explore("producer", 1, 100, index);
        // producer -> m:42 -> consumer-a, consumer-b (depth 1); consumer-b -> m:43 -> late would be depth 2
        assertThat(g.peers("producer")).containsExactlyInAnyOrder("consumer-a", "consumer-b");
        assertThat(g.peers("consumer-a")).containsExactlyInAnyOrder("producer", "consumer-b");
        assertThat(g.traces()).containsExactlyInAnyOrder("producer", "consumer-a", "consumer-b", "late");
        assertThat(index.lookups.get(0)).containsExactly("producer");
        assertThat(index.lookups.get(1)).containsExactly("m:42");
    }

    @Test
    void aTraceFoundFirstOnALongerPathIsExploredAgainFromTheNearerOne() {
        // root -link- a -link- b -link- x (x at depth 3, found in round 3), and root -m:1- c -m:2- x (x at depth 2,
        // found in round 4). With max-depth 3, x's peer y (depth 3 through the messages) must be explored.
        Index index = new Index().link("a", "root").link("b", "a").link("x", "b")
                .message("root", "1").message("c", "1").message("c", "2").message("x", "2")
                .link("y", "x").link("z", "y");
        TraceGraph g = TraceGraph.explore("root", 3, 100, index);
        assertThat(g.traces()).contains("y", "z"); // z: one beyond max-depth through the nearer path
        assertThat(g.peers("y")).containsExactlyInAnyOrder("x", "z");
    }

    @Test
    void theSearchStopsAtItsCapAndSaysSo() {
        Index index = new Index();
        for (int i = 0; i < 50; i++) {
            index.message("t" + i, "batch"); // one message consumed by 50 traces
        }
        TraceGraph g = TraceGraph.explore("t0", 5, 10, index);
        assertThat(g.capped()).isTrue();
        assertThat(g.traces().size()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void reachingTheCapWithNothingLeftToExploreIsNotACut() {
        Index index = new Index().link("b", "a").link("c", "b");
        // c (depth 2) is found beyond max-depth 1, so nothing is left to explore when the third trace is found
        TraceGraph g = TraceGraph.explore("a", 1, 3, index);
        assertThat(g.traces()).containsExactly("a", "b", "c");
        assertThat(g.capped()).isFalse();
        assertThat(TraceGraph.explore("a", 5, 3, index).capped()).isTrue(); // c not explored: it may lead further
    }

    @Test
    void aTraceWithoutEdgesIsAGraphOfOne() {
        Index index = new Index();
        TraceGraph g = TraceGraph.explore("alone", 10, 100, index);
        assertThat(g.traces()).containsExactly("alone");
        assertThat(g.peers("alone")).isEmpty();
        assertThat(index.lookups).hasSize(1);
    }

    /** A chain t0 - t1 - ... - t(n-1), each trace with a message of its own, and every node under label c:L. */
    private static Index labelledChain(int n, String... unlabelled) {
        Index index = new Index();
        for (int i = 0; i < n; i++) {
            index.message("t" + i, "own-" + i);
            if (i > 0) {
                index.link("t" + i, "t" + (i - 1));
            }
        }
        Set<String> skip = Set.of(unlabelled);
        for (String node : List.copyOf(index.rows.keySet())) {
            if (!skip.contains(node)) {
                index.link(node, "c:L");
            }
        }
        return index;
    }

    @Test
    void aLabelledTransactionTakesThreeRoundTripsWhateverItsLength() {
        Index index = labelledChain(10);
        TraceGraph g = TraceGraph.explore("t5", 20, 100, index);
        assertThat(index.lookups).hasSize(3); // t5; its peers and c:L; every other member
        assertThat(index.lookups.get(1)).contains("c:L");
        assertThat(g.traces()).hasSize(10).doesNotContain("c:L");
        assertThat(g.peers("t5")).containsExactlyInAnyOrder("t4", "t6"); // the label is not a hop
        assertThat(g.peers("t0")).containsExactly("t1");
        assertThat(g.capped()).isFalse();
    }

    @Test
    void aNodeTheLabellerMissedIsStillFoundHopByHop() {
        Index index = labelledChain(10, "t9", "m:own-9");
        TraceGraph g = TraceGraph.explore("t0", 20, 100, index);
        assertThat(g.traces()).hasSize(10).contains("t9");
        assertThat(g.peers("t9")).containsExactly("t8");
        // t9 found through t8's edges, then read hop by hop, then its message
        assertThat(index.lookups).hasSize(5);
        assertThat(index.lookups.get(3)).containsExactly("t9");
        assertThat(index.lookups.get(4)).containsExactly("m:own-9");
    }

    @Test
    void depthCountsRealHopsOnlyAndALabelBeyondTheCapIsNotFollowed() {
        TraceGraph near = TraceGraph.explore("t0", 2, 100, labelledChain(10));
        // Every member is read (its depth is unknown until then), but depths come from links: t3 is three hops.
        assertThat(near.peers("t3")).containsExactlyInAnyOrder("t2", "t4");
        Index index = labelledChain(10);
        TraceGraph capped = TraceGraph.explore("t0", 3, 5, index); // c:L has 20 members, over the cap of 5
        assertThat(index.lookups.stream().flatMap(List::stream).filter(n -> n.startsWith("t")).toList())
                .containsExactly("t0", "t1", "t2", "t3"); // hop by hop: t1..t3 within depth 3, t4 not read
        assertThat(capped.traces()).containsExactly("t0", "t1", "t2", "t3", "t4");
    }
}
