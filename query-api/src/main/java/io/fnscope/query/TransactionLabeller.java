package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a label on the traces of each business transaction, so that the transaction search reads a whole
 * transaction in two lookups however many hops it has ({@link TraceGraph#explore}), instead of one per hop.
 *
 * <p>A label is a node {@code c:<label>} in {@code transaction_edges}, joined to every node (trace or message) of one
 * transaction: {@code trace -> c:L} tells a trace's label, {@code c:L -> *} lists the transaction. Labels are
 * only an accelerator: the search still reads the edges of every node it reaches, so a node without a label, or a
 * transaction split under two labels, costs rounds, never a wrong answer.
 *
 * <p>After each flush the writer hands over the edges of what it stored ({@link ConnectedTracesListener}): trace ->
 * linked trace, trace -> {@code m:<message id>}. The labeller joins them into connected components <em>in memory</em>
 * and writes a component's rows once it holds two traces or more: so labelling reads nothing from ClickHouse. (An
 * earlier labeller read transaction_edges outwards from each flush's traces: a lookup of thousands of random nodes reads
 * most of the index, and it cost the writer's process a quarter of its throughput; query-api/RATIONALE.md.) A new
 * component's label is {@code c:} and the first half of its smallest trace id ({@link #labelFor}); when two
 * components meet, the smaller joins the larger's label (its nodes get rows under it too; their old rows stay). A component that would grow past
 * {@code maxNodes} stops there. Rows already written are not written again, so a redelivered flush writes nothing.
 *
 * <p>What it remembers is bounded: the {@code maxCached} nodes seen last, all tenants together, per process. A trace that joins one the
 * labeller has forgotten (written long before, before a restart, or by another writer process) starts a component
 * of its own: the transaction then carries two labels, and the search takes a round more per label.
 *
 * <p>The work runs on one thread of its own, beside the writer's loop, which never waits for it: when more than
 * {@code QUEUE} flushes wait, the newest is dropped (counted).
 */
public final class TransactionLabeller implements ConnectedTracesListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionLabeller.class);
    static final String COMPONENT_NODE = "c:";
    /** Flushes waiting at most (each holds its edges, ~200 bytes apiece: a few MB a flush under load). */
    private static final int QUEUE = 8;
    static final String TABLE = "transaction_edges";
    static final List<Column> COLUMNS = List.of(Column.of("tenant", "LowCardinality(String)"),
            Column.of("node", "String"), Column.of("peer", "String"), Column.of("start_time", "DateTime64(9)"));

    private final ClickHouse clickHouse;
    private final int maxNodes;
    private final int maxCached;
    private final ThreadPoolExecutor worker;
    /** All tenants' nodes in one bound; used on the worker thread (or the caller's of {@link #label}) only. */
    private final Components components = new Components();
    private final Counter labelledNodes;
    private final Counter dropped;
    private final Counter failures;
    private final Timer duration;

    public TransactionLabeller(ClickHouse clickHouse, int maxNodes, int maxCached, MeterRegistry registry) {
        if (maxNodes < 2) {
            throw new IllegalArgumentException("max-nodes must be at least 2, was " + maxNodes);
        }
        if (maxCached < maxNodes) {
            throw new IllegalArgumentException("max-cached-nodes (" + maxCached + ") must be at least max-nodes ("
                    + maxNodes + ")");
        }
        this.clickHouse = clickHouse;
        this.maxNodes = maxNodes;
        this.maxCached = maxCached;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "fnscope-transaction-labeller");
            t.setDaemon(true);
            return t;
        });
        this.labelledNodes = Counter.builder("fnscope.transaction.labels.nodes")
                .description("Nodes (traces, messages) given a transaction label").register(registry);
        this.dropped = Counter.builder("fnscope.transaction.labels.dropped")
                .description("Edges not labelled because the labeller was behind (searched hop by hop)")
                .register(registry);
        this.failures = Counter.builder("fnscope.transaction.labels.failures")
                .description("Label inserts that failed (logged; those transactions are searched hop by hop)")
                .register(registry);
        this.duration = Timer.builder("fnscope.transaction.labels.duration")
                .description("Time to label the edges of one flush and tenant").register(registry);
    }

    @Override
    public void written(Map<String, List<Edge>> edges) {
        try {
            worker.execute(() -> edges.forEach(this::labelQuietly));
        } catch (RejectedExecutionException e) {
            dropped.increment(edges.values().stream().mapToInt(List::size).sum());
        }
    }

    private void labelQuietly(String tenant, List<Edge> edges) {
        long started = System.nanoTime();
        try {
            label(tenant, edges);
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warn("Transaction labels of {} edges not written (those transactions are searched hop by hop): {}",
                    edges.size(), e.getMessage());
        } finally {
            duration.record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * Labels what {@code edges} connect, now, on the caller's thread (one caller at a time); returns the nodes
     * labelled (rows written for). A node's label rows carry the earliest time it was seen at, so the search's
     * time-bounded lookups find them and they expire with the node's data.
     */
    public int label(String tenant, List<Edge> edges) {
        Set<Component> touched = new LinkedHashSet<>();
        for (Edge e : edges) {
            Component joined = components.join(tenant, e.trace(), e.peer(), e.timeNanos());
            if (joined != null) {
                touched.add(joined);
            }
        }
        List<String> nodes = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        List<Component> of = new ArrayList<>();
        for (Component k : touched) {
            if (k.merged || k.traces < 2) {
                continue; // merged into another since, or one trace and its messages: nothing to join yet
            }
            if (k.label == null) {
                k.label = labelFor(k.smallestTrace);
            }
            for (Map.Entry<String, Long> node : k.nodes.entrySet()) {
                if (!k.written.contains(node.getKey())) {
                    nodes.add(node.getKey());
                    peers.add(k.label);
                    times.add(node.getValue());
                    of.add(k);
                }
            }
        }
        if (!nodes.isEmpty()) {
            // One RowBinary insert per flush and tenant: trace -> label (where a search starts), then label -> node
            // (what it lists). A message needs no row to its label: a search reaches messages from traces.
            clickHouse.insert(TABLE, COLUMNS, out -> {
                for (int i = 0; i < nodes.size(); i++) {
                    if (!TraceGraph.isMessage(nodes.get(i))) {
                        out.string(tenant).string(nodes.get(i)).string(peers.get(i)).dateTime64Nanos(times.get(i));
                    }
                }
                for (int i = 0; i < nodes.size(); i++) {
                    out.string(tenant).string(peers.get(i)).string(nodes.get(i)).dateTime64Nanos(times.get(i));
                }
            }, InsertOptions.NONE.acrossAnyNumberOfDays());
        }
        for (int i = 0; i < nodes.size(); i++) { // once stored: after a failed insert, the next growth writes them
            of.get(i).written.add(nodes.get(i));
        }
        labelledNodes.increment(nodes.size());
        return nodes.size();
    }

    /**
     * The label of a component first written with {@code trace} as its smallest trace id: {@code c:} and the id's
     * first 16 hex digits, half the bytes of the whole id in every row that names it. Two transactions would share a
     * label only if their namesakes shared 64 random bits; even then each search keeps only what real edges connect
     * to the trace asked for, so it would read more, never answer wrong.
     */
    static String labelFor(String trace) {
        return COMPONENT_NODE + trace.substring(0, Math.min(16, trace.length()));
    }

    /** One connected component seen so far. */
    private static final class Component {
        /** Node -> the earliest time it was seen at (ns). */
        final Map<String, Long> nodes = new LinkedHashMap<>();
        /** Nodes with rows under {@link #label}. */
        final Set<String> written = new LinkedHashSet<>();
        String label;
        String smallestTrace;
        int traces;
        /**
         * Set when this component was merged into another. Every node of it then maps to that other one, so nothing
         * reaches it any more except a flush's list of components it touched, which must skip it.
         */
        boolean merged;

        void add(String node, long time) {
            Long had = nodes.putIfAbsent(node, time);
            if (had == null && !TraceGraph.isMessage(node)) {
                traces++;
                smallestTrace = smallestTrace == null || node.compareTo(smallestTrace) < 0 ? node : smallestTrace;
            } else if (had != null && time < had) {
                nodes.put(node, time);
            }
        }
    }

    /** A tenant's node. */
    private record Node(String tenant, String id) {
    }

    /**
     * The components of every tenant (a component never spans two), by node, forgetting the nodes seen least
     * recently beyond {@code maxCached} all tenants together: the heap it takes does not grow with the tenants.
     */
    private final class Components {
        private final LinkedHashMap<Node, Component> of = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Node, Component> eldest) {
                if (size() <= maxCached) {
                    return false;
                }
                eldest.getValue().nodes.remove(eldest.getKey().id()); // its rows, if any, stay; it is no longer joined from here
                return true;
            }
        };

        /** Joins the components of {@code a} and {@code b}; the component they are in, or null if kept apart. */
        Component join(String tenant, String a, String b, long time) {
            Component ka = componentOf(new Node(tenant, a), time);
            Component kb = componentOf(new Node(tenant, b), time);
            if (ka == kb) {
                return ka;
            }
            if (ka.nodes.size() + kb.nodes.size() > maxNodes) {
                return null; // too big to label as one: the search follows this edge hop by hop
            }
            Component big = ka.nodes.size() >= kb.nodes.size() ? ka : kb;
            Component small = big == ka ? kb : ka;
            if (big.label == null && small.label != null) { // keep the label already written, if one is
                Component t = big;
                big = small;
                small = t;
            }
            for (Map.Entry<String, Long> node : small.nodes.entrySet()) {
                big.add(node.getKey(), node.getValue());
                of.put(new Node(tenant, node.getKey()), big); // a node already mapped: replacing it evicts nothing
            }
            small.merged = true;
            return big;
        }

        private Component componentOf(Node node, long time) {
            Component k = of.get(node);
            if (k == null) {
                k = new Component();
                of.put(node, k);
            }
            k.add(node.id(), time);
            return k;
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
