package io.fnscope.query;

import io.fnscope.query.TraceStore.TraceRange;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A business transaction as a DAG of invocations, built from the spans of its traces (pure Java; the store only
 * loads). The rules, which docs/api.md repeats for users:
 *
 * <ul>
 *   <li><b>Nodes.</b> Every span belongs to one node. A span of a function starts a node (an invocation) when its
 *   parent is missing or belongs to another function or another invocation id; otherwise it belongs to its parent's
 *   node. A span of no function belongs to its parent's node, or starts a {@code service} node when it has no
 *   parent. The node's invocation row (cold start, init, billed duration, cost) is joined by (function, invocation
 *   id).</li>
 *   <li><b>Hops</b>, producer span → consumer span, between different nodes: {@code link} (the consumer span links
 *   to the producer span: batch consumers, one link per message), {@code parent} (the consumer's parent is a
 *   producer span: the context crossed the queue as the parent), {@code call} (the parent is a client or other span:
 *   a synchronous call), {@code message} (a producer span and a consumer span carry the same
 *   {@code messaging.message.id}, and nothing else joins them). Queue or bus: {@code messaging.system} and
 *   {@code messaging.destination.name} of the producer span, else of the consumer span. <b>Wait time</b> = consumer
 *   span start − producer span start; for a cold consumer it includes the consumer's init.</li>
 *   <li><b>End to end</b>: first span start to last span end, over all spans.</li>
 *   <li><b>Critical path</b>: from the node that ends last, backwards: each node's predecessor is the producer of its
 *   incoming hop that started last (not after the node's start: the message it had to wait for), until a node
 *   without incoming hops. Each node's stretch on the path is refined through synchronous calls it waited for
 *   (the callee that ended last before the cursor, recursively, as Jaeger does within a trace). Steps tile the path:
 *   node time, hop wait, node time, ...; their durations add up to the path's duration (last end − first step
 *   start), which equals end to end unless another entry trace started earlier.</li>
 *   <li><b>Cold starts</b>: nodes whose invocation started cold, with init duration (platform report); on the
 *   critical path their init is added latency.</li>
 *   <li><b>Error origin</b>: of the spans with status error, those with no failing child (the others only propagate
 *   a child's error); the earliest of them, the deeper on a tie. When no span failed but an invocation's report says
 *   error or timeout, that invocation's root span.</li>
 *   <li><b>Cost</b>: the sum over the nodes' invocations (exact when every one has its platform report).</li>
 * </ul>
 */
final class Transaction {
    static final String MESSAGE_ID = "messaging.message.id";
    static final String MESSAGING_SYSTEM = "messaging.system";
    static final String DESTINATION = "messaging.destination.name";

    private Transaction() {
    }

    /** Which bound cut the search for connected traces. */
    static final class Truncation {
        boolean depth;
        boolean traces;
        boolean window;
        boolean spans;

        boolean any() {
            return depth || traces || window || spans;
        }
    }

    /** A node of the DAG: an invocation, or the spans of a service without function. */
    static final class Node {
        final String id;
        final String type;
        final SpanRow root;
        final List<SpanRow> spans = new ArrayList<>();
        InvocationRow invocation;
        long startNs;
        long endNs;
        final List<Hop> incoming = new ArrayList<>();
        final List<Hop> outgoing = new ArrayList<>();
        boolean onPath;

        Node(String id, String type, SpanRow root) {
            this.id = id;
            this.type = type;
            this.root = root;
            this.startNs = root.startNs();
            this.endNs = root.endNs();
        }

        boolean error() {
            if (invocation != null && ("error".equals(invocation.status()) || "timeout".equals(invocation.status()))) {
                return true;
            }
            return spans.stream().anyMatch(SpanRow::error);
        }
    }

    /** A hop between two nodes, producer span → consumer span. */
    record Hop(int index, SpanRow producer, SpanRow consumer, Node from, Node to, String via, String system,
               String destination, String messageId) {
        long waitNs() {
            return consumer.startNs() - producer.startNs();
        }
    }

    static TransactionView build(String askedTraceId, List<SpanRow> spans, Map<String, InvocationRow> invocations,
                                 Map<String, TraceRange> traces, Map<String, Integer> depthOf, int unresolvedTraces,
                                 Truncation cut, QuerySettings.Transaction bounds) {
        Map<String, SpanRow> byKey = new HashMap<>();
        spans.forEach(s -> byKey.put(s.key(), s));
        List<SpanRow> ordered = new ArrayList<>(spans);
        ordered.sort(Comparator.comparingLong(SpanRow::startNs).thenComparing(SpanRow::key));

        // ---- nodes ----
        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<String, Node> nodeOfSpan = new HashMap<>();
        for (SpanRow s : ordered) {
            nodeOf(s, byKey, nodes, nodeOfSpan, invocations);
        }
        for (Node n : nodes.values()) {
            for (SpanRow s : n.spans) {
                n.startNs = Math.min(n.startNs, s.startNs());
                n.endNs = Math.max(n.endNs, s.endNs());
            }
        }

        // ---- hops ----
        List<Hop> hops = new ArrayList<>();
        Set<String> hopKeys = new HashSet<>();
        int unresolvedLinks = 0;
        for (SpanRow c : ordered) {
            for (SpanRow.Link l : c.links()) {
                SpanRow p = byKey.get(l.traceId() + "/" + l.spanId());
                if (p == null) {
                    unresolvedLinks++;
                } else {
                    addHop(hops, hopKeys, p, c, "link", nodeOfSpan);
                }
            }
            SpanRow parent = c.parentSpanId() == null ? null : byKey.get(c.traceId() + "/" + c.parentSpanId());
            if (parent != null) {
                addHop(hops, hopKeys, parent, c, "producer".equals(parent.kind()) ? "parent" : "call", nodeOfSpan);
            }
        }
        Map<String, List<SpanRow>> producersByMessage = new HashMap<>();
        for (SpanRow s : ordered) {
            String m = s.attribute(MESSAGE_ID);
            if (m != null && "producer".equals(s.kind())) {
                producersByMessage.computeIfAbsent(m, k -> new ArrayList<>()).add(s);
            }
        }
        for (SpanRow c : ordered) {
            String m = c.attribute(MESSAGE_ID);
            if (m == null || "producer".equals(c.kind())) {
                continue;
            }
            for (SpanRow p : producersByMessage.getOrDefault(m, List.of())) {
                addHop(hops, hopKeys, p, c, "message", nodeOfSpan);
            }
        }

        // ---- critical path ----
        List<TransactionView.Step> steps = criticalPath(nodes.values(), hops, nodeOfSpan);

        // ---- error origin ----
        TransactionView.ErrorOrigin origin = errorOrigin(ordered, byKey, nodeOfSpan, nodes.values());

        // ---- cost and cold starts ----
        BigDecimal cost = null;
        boolean exact = true;
        int priced = 0;
        List<TransactionView.ColdStart> colds = new ArrayList<>();
        double addedMs = 0;
        for (Node n : nodes.values()) {
            InvocationRow i = n.invocation;
            if (i == null) {
                continue;
            }
            if (i.costUsd() != null) {
                cost = Money.sum(cost, i.costUsd());
                priced++;
            }
            exact &= i.costExact();
            if (i.coldStart() || coldAttribute(n.root)) {
                colds.add(new TransactionView.ColdStart(n.id, i.function(), i.initDurationMs(), n.onPath));
                if (n.onPath && i.initDurationMs() != null) {
                    addedMs += i.initDurationMs();
                }
            }
        }
        for (Node n : nodes.values()) {
            if (n.invocation == null && coldAttribute(n.root)) {
                colds.add(new TransactionView.ColdStart(n.id, n.root.function(), null, n.onPath));
            }
        }

        // ---- views ----
        long start = ordered.stream().mapToLong(SpanRow::startNs).min().orElse(0);
        long end = ordered.stream().mapToLong(SpanRow::endNs).max().orElse(0);
        List<TransactionView.TraceRef> traceRefs = new ArrayList<>();
        Map<String, List<SpanRow>> spansByTrace = new LinkedHashMap<>();
        for (SpanRow s : ordered) {
            spansByTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
        }
        List<TraceRange> sortedTraces = new ArrayList<>(traces.values());
        sortedTraces.sort(Comparator.comparingLong(TraceRange::startNs).thenComparing(TraceRange::traceId));
        for (TraceRange t : sortedTraces) {
            List<SpanRow> ts = spansByTrace.getOrDefault(t.traceId(), List.of());
            SpanRow root = ts.stream().filter(s -> s.parentSpanId() == null || !byKey.containsKey(s.traceId() + "/" + s.parentSpanId()))
                    .findFirst().orElse(null);
            traceRefs.add(new TransactionView.TraceRef(t.traceId(), depthOf.getOrDefault(t.traceId(), 0),
                    Times.iso(t.startNs()), Times.ms(t.endNs() - t.startNs()), ts.size(),
                    root == null ? null : root.name(), root == null ? null : emptyToNull(root.service()),
                    root == null ? null : emptyToNull(root.function())));
        }
        List<TransactionView.NodeView> nodeViews = new ArrayList<>();
        for (Node n : nodes.values()) {
            InvocationRow i = n.invocation;
            nodeViews.add(new TransactionView.NodeView(n.id, n.type, emptyToNull(n.root.function()),
                    emptyToNull(n.root.service()), i != null ? i.invocationId() : emptyToNull(n.root.invocationId()),
                    n.root.traceId(), n.root.spanId(), n.root.name(), Times.iso(n.startNs), Times.iso(n.endNs),
                    Times.ms(n.endNs - n.startNs), i != null ? i.trigger() == null || i.trigger().isEmpty() ? null
                    : i.trigger() : n.root.attribute("faas.trigger"),
                    (i != null && i.coldStart()) || coldAttribute(n.root), i == null ? null : i.initDurationMs(),
                    i == null ? null : i.billedDurationMs(), i == null ? null : i.memoryMb(),
                    i == null ? null : i.status(), n.error(), i == null ? null : i.costUsd(),
                    i != null && i.costExact(), n.onPath,
                    n.incoming.stream().map(Hop::index).toList(), n.outgoing.stream().map(Hop::index).toList()));
        }
        List<TransactionView.HopView> hopViews = new ArrayList<>();
        for (Hop h : hops) {
            InvocationRow ci = h.to().invocation;
            boolean cold = (ci != null && ci.coldStart()) || coldAttribute(h.to().root);
            hopViews.add(new TransactionView.HopView(h.index(), h.from().id, h.to().id, h.via(), h.system(),
                    h.destination(), h.messageId(),
                    new TransactionView.SpanRef(h.producer().traceId(), h.producer().spanId(), h.producer().name(),
                            h.producer().kind()),
                    new TransactionView.SpanRef(h.consumer().traceId(), h.consumer().spanId(), h.consumer().name(),
                            h.consumer().kind()),
                    Times.iso(h.producer().startNs()), Times.iso(h.consumer().startNs()), Times.ms(h.waitNs()), cold,
                    cold && ci != null ? ci.initDurationMs() : null, isOnPath(h, steps)));
        }
        long pathStart = steps.isEmpty() ? start : TimeRange.nanos(java.time.Instant.parse(steps.getFirst().startTime()));
        long pathEnd = steps.isEmpty() ? end : TimeRange.nanos(java.time.Instant.parse(steps.getLast().endTime()));
        TransactionView.CriticalPath path = new TransactionView.CriticalPath(Times.iso(pathStart), Times.iso(pathEnd),
                Times.ms(pathEnd - pathStart), steps);
        TransactionView.ColdStarts coldStarts = new TransactionView.ColdStarts(colds.size(),
                (int) colds.stream().filter(TransactionView.ColdStart::onCriticalPath).count(), round(addedMs), colds);
        return new TransactionView(askedTraceId, Times.iso(start), Times.iso(end), Times.ms(end - start),
                traceRefs, nodeViews, hopViews, path, coldStarts, origin,
                (int) ordered.stream().filter(SpanRow::error).count(), Money.of(cost),
                exact && priced == (int) nodes.values().stream().filter(n -> n.invocation != null).count() && priced > 0,
                priced, new TransactionView.Limits(bounds.maxDepth(), bounds.maxTraces(), bounds.window().toMillis(),
                bounds.maxSpans()),
                new TransactionView.Truncated(cut.any(), cut.depth, cut.traces, cut.window, cut.spans),
                unresolvedLinks, unresolvedTraces, spans.size());
    }

    private static boolean isOnPath(Hop h, List<TransactionView.Step> steps) {
        for (TransactionView.Step s : steps) {
            if ("hop".equals(s.type()) && s.hop() != null && s.hop() == h.index()) {
                return true;
            }
        }
        return false;
    }

    private static double round(double ms) {
        return Math.round(ms * 1e6) / 1e6;
    }

    private static boolean coldAttribute(SpanRow s) {
        return "true".equals(s.attributes().get("faas.coldstart"));
    }

    private static Node nodeOf(SpanRow s, Map<String, SpanRow> byKey, Map<String, Node> nodes,
                               Map<String, Node> nodeOfSpan, Map<String, InvocationRow> invocations) {
        Node known = nodeOfSpan.get(s.key());
        if (known != null) {
            return known;
        }
        // Walk up to the first ancestor whose node is known or that starts a node, without recursion.
        Deque<SpanRow> chain = new ArrayDeque<>();
        SpanRow cur = s;
        Node found = null;
        Set<String> seen = new HashSet<>();
        while (true) {
            Node n = nodeOfSpan.get(cur.key());
            if (n != null) {
                found = n;
                break;
            }
            SpanRow parent = cur.parentSpanId() == null ? null : byKey.get(cur.traceId() + "/" + cur.parentSpanId());
            if (parent == null || startsNode(cur, parent) || !seen.add(cur.key())) {
                found = newNode(cur, nodes, invocations);
                nodeOfSpan.put(cur.key(), found);
                found.spans.add(cur);
                break;
            }
            chain.push(cur);
            cur = parent;
        }
        while (!chain.isEmpty()) {
            SpanRow c = chain.pop();
            nodeOfSpan.put(c.key(), found);
            found.spans.add(c);
        }
        return found;
    }

    private static boolean startsNode(SpanRow s, SpanRow parent) {
        if (s.function().isEmpty()) {
            return false;
        }
        if (!s.function().equals(parent.function())) {
            return true;
        }
        return !s.invocationId().isEmpty() && !parent.invocationId().isEmpty()
                && !s.invocationId().equals(parent.invocationId());
    }

    private static Node newNode(SpanRow root, Map<String, Node> nodes, Map<String, InvocationRow> invocations) {
        String id;
        String type;
        if (!root.function().isEmpty()) {
            type = "invocation";
            id = root.function() + "/" + (root.invocationId().isEmpty() ? "span:" + root.spanId() : root.invocationId());
        } else {
            type = "service";
            id = (root.service().isEmpty() ? "unknown" : root.service()) + "/span:" + root.spanId();
        }
        Node existing = nodes.get(id);
        if (existing != null) {
            return existing; // another outermost span of the same invocation
        }
        Node n = new Node(id, type, root);
        String key = InvocationRoots.invocationKey(root);
        if (key != null) {
            n.invocation = invocations.get(root.function() + "/" + key);
        }
        nodes.put(id, n);
        return n;
    }

    private static void addHop(List<Hop> hops, Set<String> keys, SpanRow p, SpanRow c, String via,
                               Map<String, Node> nodeOfSpan) {
        Node from = nodeOfSpan.get(p.key());
        Node to = nodeOfSpan.get(c.key());
        if (from == null || to == null || from == to || !keys.add(p.key() + ">" + c.key())) {
            return;
        }
        String system = p.attribute(MESSAGING_SYSTEM) != null ? p.attribute(MESSAGING_SYSTEM) : c.attribute(MESSAGING_SYSTEM);
        String destination = p.attribute(DESTINATION) != null ? p.attribute(DESTINATION) : c.attribute(DESTINATION);
        String messageId = c.attribute(MESSAGE_ID) != null ? c.attribute(MESSAGE_ID) : p.attribute(MESSAGE_ID);
        if ("call".equals(via) && system != null) {
            via = "parent"; // a messaging span passed its context as the parent (e.g. a send span of kind client)
        }
        Hop h = new Hop(hops.size(), p, c, from, to, via, system, destination, "link".equals(via) ? null : messageId);
        hops.add(h);
        from.outgoing.add(h);
        to.incoming.add(h);
    }

    // ---- critical path ----

    static List<TransactionView.Step> criticalPath(java.util.Collection<Node> nodes, List<Hop> hops,
                                                   Map<String, Node> nodeOfSpan) {
        Node last = null;
        for (Node n : nodes) {
            if (last == null || n.endNs > last.endNs || (n.endNs == last.endNs && n.startNs < last.startNs)) {
                last = n;
            }
        }
        if (last == null) {
            return List.of();
        }
        // Backwards over asynchronous (and calling) hops: the chain of nodes that led to the last one.
        List<Node> chainNodes = new ArrayList<>();
        List<Hop> chainHops = new ArrayList<>();
        Set<Node> visited = new HashSet<>();
        Node cur = last;
        while (cur != null && visited.add(cur)) {
            chainNodes.addFirst(cur);
            Hop best = null;
            for (Hop h : cur.incoming) {
                if (visited.contains(h.from())) {
                    continue;
                }
                boolean fits = h.producer().startNs() <= cur.startNs;
                boolean bestFits = best != null && best.producer().startNs() <= cur.startNs;
                if (best == null || (fits && !bestFits)
                        || (fits == bestFits && h.producer().startNs() > best.producer().startNs())) {
                    best = h;
                }
            }
            if (best == null) {
                break;
            }
            chainHops.addFirst(best);
            cur = best.from();
        }
        List<TransactionView.Step> steps = new ArrayList<>();
        for (int i = 0; i < chainNodes.size(); i++) {
            Node n = chainNodes.get(i);
            long segmentStart = i == 0 ? n.startNs : Math.max(n.startNs, chainHops.get(i - 1).producer().startNs());
            if (i > 0) {
                Hop h = chainHops.get(i - 1);
                long hopStart = h.producer().startNs();
                steps.add(hopStep(h, hopStart, Math.max(hopStart, n.startNs)));
                segmentStart = Math.max(hopStart, n.startNs);
            }
            long segmentEnd = i + 1 < chainNodes.size() ? chainHops.get(i).producer().startNs() : n.endNs;
            refine(n, segmentStart, Math.max(segmentStart, segmentEnd), steps, new HashSet<>());
        }
        return steps;
    }

    /**
     * Steps for node {@code n} over {@code [from, to]}: its own time, descending into the synchronous callees it
     * waited for (the one that ended last before the cursor, then the one before that call, ...).
     */
    private static void refine(Node n, long from, long to, List<TransactionView.Step> out, Set<Node> onStack) {
        n.onPath = true;
        onStack.add(n);
        List<TransactionView.Step> reversed = new ArrayList<>();
        long cursor = to;
        while (true) {
            Hop best = null;
            for (Hop h : n.outgoing) {
                if (!"call".equals(h.via()) || onStack.contains(h.to())) {
                    continue;
                }
                long calleeEnd = h.to().endNs;
                if (h.producer().startNs() >= from && calleeEnd <= cursor && calleeEnd > from
                        && (best == null || calleeEnd > best.to().endNs)) {
                    best = h;
                }
            }
            if (best == null) {
                break;
            }
            Node callee = best.to();
            long callStart = best.producer().startNs();
            long calleeStart = Math.max(callStart, callee.startNs);
            if (cursor > callee.endNs) {
                reversed.add(nodeStep(n, callee.endNs, cursor));
            }
            List<TransactionView.Step> inner = new ArrayList<>();
            refine(callee, calleeStart, callee.endNs, inner, onStack);
            for (int k = inner.size() - 1; k >= 0; k--) {
                reversed.add(inner.get(k));
            }
            reversed.add(hopStep(best, callStart, calleeStart));
            cursor = callStart;
        }
        if (cursor > from || reversed.isEmpty()) {
            reversed.add(nodeStep(n, from, cursor));
        }
        for (int k = reversed.size() - 1; k >= 0; k--) {
            out.add(reversed.get(k));
        }
        onStack.remove(n);
    }

    private static TransactionView.Step nodeStep(Node n, long from, long to) {
        return new TransactionView.Step("invocation", n.id, null, emptyToNull(n.root.function()),
                emptyToNull(n.root.service()), Times.iso(from), Times.iso(to), Times.ms(to - from));
    }

    private static TransactionView.Step hopStep(Hop h, long from, long to) {
        String label = h.destination() != null ? (h.system() != null ? h.system() + ":" : "") + h.destination() : h.via();
        return new TransactionView.Step("hop", null, h.index(), null, label, Times.iso(from), Times.iso(to),
                Times.ms(to - from));
    }

    // ---- error origin ----

    private static TransactionView.ErrorOrigin errorOrigin(List<SpanRow> ordered, Map<String, SpanRow> byKey,
                                                           Map<String, Node> nodeOfSpan, java.util.Collection<Node> nodes) {
        Set<String> hasFailingChild = new HashSet<>();
        for (SpanRow s : ordered) {
            if (s.error() && s.parentSpanId() != null) {
                hasFailingChild.add(s.traceId() + "/" + s.parentSpanId());
            }
        }
        SpanRow best = null;
        int bestDepth = -1;
        int originCount = 0;
        for (SpanRow s : ordered) {
            if (!s.error() || hasFailingChild.contains(s.key())) {
                continue;
            }
            originCount++;
            int depth = depth(s, byKey);
            if (best == null || s.startNs() < best.startNs() || (s.startNs() == best.startNs() && depth > bestDepth)) {
                best = s;
                bestDepth = depth;
            }
        }
        if (best == null) {
            Node failed = nodes.stream().filter(Node::error).min(Comparator.comparingLong(n -> n.startNs)).orElse(null);
            if (failed == null) {
                return null;
            }
            InvocationRow i = failed.invocation;
            return new TransactionView.ErrorOrigin(failed.root.traceId(), failed.root.spanId(), failed.root.name(),
                    failed.id, emptyToNull(failed.root.function()), emptyToNull(failed.root.service()),
                    i == null ? null : emptyToNull(i.errorMessage()), null, null,
                    Times.iso(failed.root.startNs()), "invocation", 1);
        }
        String type = null;
        String message = null;
        for (SpanRow.Event e : best.events()) {
            if ("exception".equals(e.name())) {
                type = emptyToNull(e.attributes().get("exception.type"));
                message = emptyToNull(e.attributes().get("exception.message"));
                break;
            }
        }
        Node n = nodeOfSpan.get(best.key());
        return new TransactionView.ErrorOrigin(best.traceId(), best.spanId(), best.name(), n == null ? null : n.id,
                emptyToNull(best.function()), emptyToNull(best.service()), emptyToNull(best.statusMessage()), type,
                message, Times.iso(best.startNs()), "span", originCount);
    }

    private static int depth(SpanRow s, Map<String, SpanRow> byKey) {
        int d = 0;
        SpanRow cur = s;
        Set<String> seen = new HashSet<>();
        while (cur.parentSpanId() != null && seen.add(cur.key())) {
            cur = byKey.get(cur.traceId() + "/" + cur.parentSpanId());
            if (cur == null) {
                break;
            }
            d++;
        }
        return d;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
