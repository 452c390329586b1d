package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.clickhouse.QueryOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a label on the traces of each business transaction, so that the transaction search reads a whole
 * transaction in three lookups however many hops it has ({@link TraceGraph#explore}), instead of one per hop.
 *
 * <p>A label is a node {@code c:<label>} in {@code trace_edges}, joined both ways to every node (trace or message)
 * of one connected component: {@code trace -> c:L} tells a trace's label, {@code c:L -> *} lists the component. The
 * labels are only an accelerator: the search still reads the edges of every node it reaches, so a node the labeller
 * missed is found hop by hop as before. It only has to keep one rule for the shortcut to pay: <em>a labelled node's
 * neighbours are labelled too</em> (a component grows only at traces the writer has just written).
 *
 * <p>After each flush the writer names the traces it stored that connect to others ({@link ConnectedTracesListener}).
 * From them the labeller reads trace_edges outwards, one lookup per round, through the nodes that have no label yet
 * (a labelled node's neighbourhood is labelled already), until it has every unlabelled node connected to them and
 * the labels they touch. Per connected part of what it read: with two traces or more, or touching a label, its
 * unlabelled nodes take a label (the smallest it touches, else {@code c:} and its smallest trace id), and the members
 * of the other labels it touches join that label too (merged). A part with more than {@code maxNodes} nodes, a node
 * with more than that many peers, or a search cut by the rounds bound is left unlabelled: such transactions are
 * searched hop by hop. Labels are written as a set difference against what is there, so a redelivered flush or a
 * second labeller writes nothing new; two writers labelling one transaction at the same moment may leave it with
 * two labels (its nodes then have both), which costs the search one more lookup, never a wrong answer.
 *
 * <p>The work runs on one thread of its own, beside the writer's loop, which never waits for it, within a share of
 * one core ({@code maxBusy}, {@link Budget}): a flush that finds the share spent, or more than {@code QUEUE}
 * flushes waiting, is dropped (counted, and its transactions searched hop by hop).
 */
public final class TransactionLabeller implements ConnectedTracesListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionLabeller.class);
    static final String COMPONENT_NODE = "c:";
    /** Rounds of lookups per labelling: a trace and its messages, then theirs, reach labelled ground in 2-4. */
    static final int MAX_ROUNDS = 8;
    /**
     * Traces labelled per call: bounds the lookups' parameter text (as the writer's batch-id look-up, ~200 KB).
     * Large calls are what keeps the labeller affordable: a lookup of thousands of random nodes reads most of the
     * index's node column whatever their number, so its cost is per round, not per trace.
     */
    static final int CHUNK = 5_000;
    private static final int QUEUE = 64;
    /** {@code fnscope.transaction-labels.max-busy}'s default: a quarter of one core. */
    public static final double DEFAULT_MAX_BUSY = 0.25;

    private final ClickHouse clickHouse;
    private final int maxNodes;
    private final String selectEdges;
    private final String insertLabels;
    private final ThreadPoolExecutor worker;
    /** Used on the worker thread only. */
    private final Budget budget;
    private final Counter labelledNodes;
    private final Counter dropped;
    private final Counter failures;
    private final Timer duration;

    public TransactionLabeller(ClickHouse clickHouse, int maxNodes, double maxBusy, MeterRegistry registry) {
        if (maxNodes < 2) {
            throw new IllegalArgumentException("max-nodes must be at least 2, was " + maxNodes);
        }
        if (!(maxBusy > 0 && maxBusy <= 1)) {
            throw new IllegalArgumentException("max-busy must be more than 0 and at most 1, was " + maxBusy);
        }
        this.budget = new Budget(maxBusy, System.nanoTime());
        this.clickHouse = clickHouse;
        this.maxNodes = maxNodes;
        this.selectEdges = QuerySql.render("select_edges_to_label", clickHouse.database());
        this.insertLabels = QuerySql.render("insert_transaction_labels", clickHouse.database());
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "fnscope-transaction-labeller");
            t.setDaemon(true);
            return t;
        });
        this.labelledNodes = Counter.builder("fnscope.transaction.labels.nodes")
                .description("Nodes (traces, messages) given a transaction label").register(registry);
        this.dropped = Counter.builder("fnscope.transaction.labels.dropped")
                .description("Traces not labelled because the labeller was behind or out of its share of a core"
                        + " (searched hop by hop)")
                .register(registry);
        this.failures = Counter.builder("fnscope.transaction.labels.failures")
                .description("Labelling calls that failed (logged; their transactions are searched hop by hop)")
                .register(registry);
        this.duration = Timer.builder("fnscope.transaction.labels.duration")
                .description("Time to label the connected traces of one flush and tenant").register(registry);
    }

    @Override
    public void written(Map<String, Set<String>> traceIds) {
        int traces = traceIds.values().stream().mapToInt(Set::size).sum();
        try {
            worker.execute(() -> {
                if (!budget.available()) {
                    dropped.increment(traces);
                    return;
                }
                long started = System.nanoTime();
                traceIds.forEach(this::labelQuietly);
                budget.spend(System.nanoTime() - started);
            });
        } catch (RejectedExecutionException e) {
            dropped.increment(traces);
        }
    }

    /**
     * The labeller's share of one core: time accrues at {@code maxBusy} per second of wall time (up to a minute's
     * worth) and each flush labelled spends what it took; a flush that finds nothing left is dropped. So the writer's
     * process never gives the labels more than that share, whatever the rate of traces joining others.
     */
    static final class Budget {
        private final double maxBusy;
        private final long capNanos;
        private long nanos;
        private long refilledAt;

        Budget(double maxBusy, long now) {
            this.maxBusy = maxBusy;
            this.capNanos = (long) (maxBusy * 60e9);
            this.nanos = capNanos;
            this.refilledAt = now;
        }

        boolean available() {
            return available(System.nanoTime());
        }

        boolean available(long now) {
            nanos = Math.min(capNanos, nanos + (long) ((now - refilledAt) * maxBusy));
            refilledAt = now;
            return nanos > 0;
        }

        void spend(long took) {
            nanos -= took;
        }
    }

    private void labelQuietly(String tenant, Collection<String> traces) {
        long started = System.nanoTime();
        try {
            label(tenant, traces);
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warn("Transaction labels of {} traces not written (their transactions are searched hop by hop): {}",
                    traces.size(), e.getMessage());
        } finally {
            duration.record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** Labels the transactions of {@code traces} (hex ids) now, on the caller's thread; returns the nodes labelled. */
    public int label(String tenant, Collection<String> traces) {
        List<String> all = List.copyOf(new TreeSet<>(traces));
        int labelled = 0;
        for (int i = 0; i < all.size(); i += CHUNK) {
            labelled += labelChunk(tenant, all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        labelledNodes.increment(labelled);
        return labelled;
    }

    private int labelChunk(String tenant, List<String> seeds) {
        Neighbourhood n = new Neighbourhood();
        List<String> frontier = seeds;
        Set<String> seedSet = new HashSet<>(seeds);
        for (int round = 0; !frontier.isEmpty(); round++) {
            if (round == MAX_ROUNDS) {
                n.unread.addAll(frontier); // their parts are left unlabelled
                break;
            }
            n.read(frontier, edges(tenant, frontier));
            Set<String> next = new LinkedHashSet<>();
            for (String node : frontier) {
                // Past the traces just written, only unlabelled nodes lead anywhere new.
                if (n.oversized.contains(node) || !seedSet.contains(node) && !n.labelsOf(node).isEmpty()) {
                    continue;
                }
                n.expanded.add(node);
                for (String p : n.peers.get(node)) {
                    if (!n.peers.containsKey(p)) {
                        next.add(p);
                    }
                }
            }
            frontier = List.copyOf(next);
        }

        List<Part> parts = n.parts();
        Set<String> touched = new TreeSet<>();
        parts.forEach(p -> touched.addAll(p.labels));
        // The members of each label touched (a label's edges): node -> time; more than maxNodes means full.
        Map<String, Map<String, Long>> members = touched.isEmpty() ? Map.of() : edges(tenant, List.copyOf(touched));
        Rows rows = new Rows();
        for (Part p : parts) {
            p.labelInto(rows, members, maxNodes);
        }
        if (!rows.nodes.isEmpty()) {
            clickHouse.execute(insertLabels, Map.of("tenant", tenant, "nodes", rows.nodes, "peers", rows.peers,
                    "times", rows.times), QueryOptions.NONE);
        }
        return rows.nodes.size() / 2;
    }

    /** Each node's edges: peer -> earliest time (ns), at most {@code maxNodes + 1} per node. */
    private Map<String, Map<String, Long>> edges(String tenant, List<String> nodes) {
        Map<String, Map<String, Long>> out = new HashMap<>();
        clickHouse.query(selectEdges, Map.of("tenant", tenant, "nodes", nodes, "per_node", maxNodes + 1),
                QueryOptions.NONE, r -> {
                    out.computeIfAbsent(r.getString("node"), k -> new HashMap<>()).put(r.getString("peer"),
                            r.getLong("time"));
                    return null;
                });
        return out;
    }

    /** What the rounds read: the edges of each node read, split into real peers and labels. */
    private final class Neighbourhood {
        final Map<String, Set<String>> peers = new HashMap<>();
        final Map<String, Set<String>> labels = new HashMap<>();
        final Map<String, Long> time = new HashMap<>();
        final Set<String> oversized = new HashSet<>();
        final Set<String> unread = new HashSet<>();
        /** Nodes whose peers were read too (or would have been, past the rounds bound). */
        final Set<String> expanded = new HashSet<>();

        void read(List<String> nodes, Map<String, Map<String, Long>> edges) {
            for (String node : nodes) {
                Set<String> real = new LinkedHashSet<>();
                Map<String, Long> e = edges.getOrDefault(node, Map.of());
                if (e.size() > maxNodes) {
                    oversized.add(node);
                }
                for (Map.Entry<String, Long> pe : e.entrySet()) {
                    String peer = pe.getKey();
                    if (peer.equals(node)) {
                        continue;
                    }
                    if (peer.startsWith(COMPONENT_NODE)) {
                        labels.computeIfAbsent(node, k -> new TreeSet<>()).add(peer);
                    } else {
                        real.add(peer);
                    }
                    time.merge(node, pe.getValue(), Math::min);
                }
                peers.put(node, real);
            }
        }

        Set<String> labelsOf(String node) {
            return labels.getOrDefault(node, Set.of());
        }

        /**
         * The connected parts of what was read. An unread peer of an expanded node belongs to its part (and makes it
         * incomplete); the unread peers of a labelled node are labelled already and left out.
         */
        List<Part> parts() {
            Map<String, Part> partOf = new HashMap<>();
            List<Part> out = new ArrayList<>();
            for (String start : peers.keySet()) {
                if (partOf.containsKey(start)) {
                    continue;
                }
                Part part = new Part();
                out.add(part);
                List<String> stack = new ArrayList<>(List.of(start));
                partOf.put(start, part);
                while (!stack.isEmpty()) {
                    String node = stack.removeLast();
                    part.add(node, this);
                    boolean all = expanded.contains(node);
                    for (String p : peers.getOrDefault(node, Set.of())) {
                        if (!partOf.containsKey(p) && (all || peers.containsKey(p))) {
                            partOf.put(p, part);
                            stack.add(p);
                        }
                    }
                }
            }
            return out;
        }
    }

    /** One connected part of the neighbourhood read. */
    private static final class Part {
        final Map<String, Long> unlabelled = new HashMap<>();
        final Set<String> labels = new TreeSet<>();
        String smallestTrace;
        int traces;
        int nodes;
        boolean complete = true;

        void add(String node, Neighbourhood n) {
            nodes++;
            if (!TraceGraph.isMessage(node)) {
                traces++;
                smallestTrace = smallestTrace == null || node.compareTo(smallestTrace) < 0 ? node : smallestTrace;
            }
            if (!n.peers.containsKey(node) || n.unread.contains(node) || n.oversized.contains(node)) {
                complete = false; // its edges are not all known: labelling the part could break the rule
                return;
            }
            Set<String> l = n.labelsOf(node);
            if (l.isEmpty()) {
                unlabelled.put(node, n.time.getOrDefault(node, 0L));
            } else {
                labels.addAll(l);
            }
        }

        /** Adds to {@code rows} what labels this part: its unlabelled nodes and the members of labels merged. */
        void labelInto(Rows rows, Map<String, Map<String, Long>> members, int maxNodes) {
            if (!complete || labels.isEmpty() && traces < 2 || labels.size() <= 1 && unlabelled.isEmpty()) {
                return; // unknown edges, a lone trace and its messages, or labelled already
            }
            String label = labels.isEmpty() ? COMPONENT_NODE + smallestTrace : labels.iterator().next();
            Map<String, Long> joining = new HashMap<>(unlabelled);
            for (String other : labels) {
                Map<String, Long> m = members.getOrDefault(other, Map.of());
                if (m.size() > maxNodes) {
                    return; // a label at its bound takes no more
                }
                if (!other.equals(label)) {
                    m.forEach((node, t) -> joining.merge(node, t, Math::min));
                }
            }
            Map<String, Long> have = members.getOrDefault(label, Map.of());
            joining.keySet().removeAll(have.keySet());
            if (joining.isEmpty() || have.size() + joining.size() > maxNodes) {
                return;
            }
            joining.forEach((node, t) -> {
                rows.add(node, label, t);
                rows.add(label, node, t);
            });
        }
    }

    /** Rows for insert_transaction_labels.sql. */
    private static final class Rows {
        final List<String> nodes = new ArrayList<>();
        final List<String> peers = new ArrayList<>();
        final List<Long> times = new ArrayList<>();

        void add(String node, String peer, long time) {
            nodes.add(node);
            peers.add(peer);
            times.add(time);
        }
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
