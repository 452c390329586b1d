package io.fnscope.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One trace as a tree of spans, each invocation's root span annotated with the invocation (cold start, init, billed
 * duration, cost), and the trace's links in both directions.
 *
 * <p>The tree: {@code spans} holds the trace's roots (normally one; more when spans arrived without their parent,
 * which are flagged {@code missingParent}), each with its {@code children} by start time. Nesting stops at
 * {@link #MAX_NESTING} levels: deeper spans are listed among the roots (their {@code parentSpanId} still says where
 * they belong), so that a runaway recursion in instrumentation cannot exceed the JSON nesting limit.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "A trace: its spans as a tree, the invocations in it, and its links in both directions.")
record TraceView(
        String traceId,
        String startTime,
        String endTime,
        double durationMs,
        int spanCount,
        @Schema(description = "true when the trace has more than fnscope.query.max-trace-spans spans and was cut")
        boolean truncated,
        List<String> services,
        List<String> functions,
        int errorCount,
        @Schema(description = "sum of the cost of the trace's invocations, USD") BigDecimal costUsd,
        @Schema(description = "true when every invocation's cost is exact (platform report)") boolean costExact,
        List<InvocationView> invocations,
        List<SpanView> spans,
        @Schema(description = "links from this trace's spans to spans of other traces") List<LinkView> linksOut,
        @Schema(description = "spans of other traces that link into this trace") List<LinkView> linksIn) {

    static final int MAX_NESTING = 200;

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record SpanView(
            String spanId,
            String parentSpanId,
            boolean missingParent,
            String name,
            String kind,
            String service,
            String function,
            String startTime,
            @Schema(description = "ms from the trace's start to this span's") double offsetMs,
            double durationMs,
            @Schema(description = "unset, ok or error") String status,
            String statusMessage,
            Map<String, String> attributes,
            Map<String, String> resourceAttributes,
            String scope,
            List<EventView> events,
            List<LinkView> links,
            @Schema(description = "spans of other traces that link to this span") List<LinkView> linkedFrom,
            @Schema(description = "the invocation this span starts, on the root span of each invocation")
            InvocationView invocation,
            List<SpanView> children) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record EventView(String time, String name, Map<String, String> attributes) {
    }

    /**
     * A link between spans. On {@code links}/{@code linksOut}: the target; on {@code linkedFrom}/{@code linksIn}: the
     * linking span (with its name, service and function when stored).
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record LinkView(String traceId, String spanId, String fromSpanId, String toSpanId, String name, String service,
                    String function, String startTime, Map<String, String> attributes) {
    }

    /** The span of another trace that links into this one, as {@code select_links_into_traces.sql} found it. */
    record IncomingLink(String targetSpan, String sourceTrace, String sourceSpan, long sourceStartNs, String name,
                        String service, String function) {
    }

    static TraceView of(String traceId, List<SpanRow> spans, boolean truncated, Map<String, InvocationRow> invocations,
                        List<IncomingLink> incoming) {
        long start = spans.stream().mapToLong(SpanRow::startNs).min().orElse(0);
        long end = spans.stream().mapToLong(SpanRow::endNs).max().orElse(0);
        Map<String, SpanRow> byId = new HashMap<>();
        spans.forEach(s -> byId.put(s.spanId(), s));
        Map<String, SpanRow> byKey = new HashMap<>();
        spans.forEach(s -> byKey.put(s.key(), s));
        Map<String, InvocationRow> rootOf = InvocationRoots.annotate(spans, byKey, invocations);

        Map<String, List<LinkView>> incomingBySpan = new HashMap<>();
        List<LinkView> linksIn = new ArrayList<>();
        for (IncomingLink l : incoming) {
            LinkView v = new LinkView(l.sourceTrace(), l.sourceSpan(), l.sourceSpan(), l.targetSpan(), l.name(),
                    l.service(), l.function(), Times.iso(l.sourceStartNs()), null);
            linksIn.add(v);
            incomingBySpan.computeIfAbsent(l.targetSpan(), k -> new ArrayList<>()).add(v);
        }
        List<LinkView> linksOut = new ArrayList<>();
        for (SpanRow s : spans) {
            for (SpanRow.Link l : s.links()) {
                if (!l.traceId().equals(traceId)) {
                    linksOut.add(new LinkView(l.traceId(), l.spanId(), s.spanId(), l.spanId(), null, null, null, null,
                            l.attributes()));
                }
            }
        }

        Map<String, List<SpanRow>> children = new LinkedHashMap<>();
        List<SpanRow> roots = new ArrayList<>();
        for (SpanRow s : spans) {
            if (s.parentSpanId() != null && byId.containsKey(s.parentSpanId()) && !s.parentSpanId().equals(s.spanId())) {
                children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
            } else {
                roots.add(s);
            }
        }
        Comparator<SpanRow> byStart = Comparator.comparingLong(SpanRow::startNs).thenComparing(SpanRow::spanId);
        roots.sort(byStart);
        children.values().forEach(l -> l.sort(byStart));
        Builder b = new Builder(start, byId.keySet(), children, rootOf, incomingBySpan);
        List<SpanView> tree = new ArrayList<>();
        for (SpanRow r : roots) {
            tree.add(b.view(r, 0));
        }
        while (!b.cutOff.isEmpty()) {
            tree.add(b.view(b.cutOff.removeFirst(), 0));
        }

        List<InvocationView> invocationViews = invocations.values().stream()
                .sorted(Comparator.comparingLong(InvocationRow::startNs)).map(InvocationView::of).toList();
        BigDecimal cost = null;
        boolean exact = !invocations.isEmpty();
        for (InvocationRow i : invocations.values()) {
            cost = Money.sum(cost, i.costUsd());
            exact &= i.costExact();
        }
        return new TraceView(traceId, Times.iso(start), Times.iso(end), Times.ms(end - start), spans.size(), truncated,
                List.copyOf(new TreeSet<>(spans.stream().map(SpanRow::service).filter(x -> !x.isEmpty()).toList())),
                List.copyOf(new TreeSet<>(spans.stream().map(SpanRow::function).filter(x -> !x.isEmpty()).toList())),
                (int) spans.stream().filter(SpanRow::error).count(), Money.of(cost), exact, invocationViews, tree,
                linksOut, linksIn);
    }

    private static final class Builder {
        final long traceStart;
        final java.util.Set<String> ids;
        final Map<String, List<SpanRow>> children;
        final Map<String, InvocationRow> rootOf;
        final Map<String, List<LinkView>> incoming;
        /** Spans below the nesting limit, listed among the roots once the tree above them is built. */
        final java.util.ArrayDeque<SpanRow> cutOff = new java.util.ArrayDeque<>();

        Builder(long traceStart, java.util.Set<String> ids, Map<String, List<SpanRow>> children,
                Map<String, InvocationRow> rootOf, Map<String, List<LinkView>> incoming) {
            this.traceStart = traceStart;
            this.ids = ids;
            this.children = children;
            this.rootOf = rootOf;
            this.incoming = incoming;
        }

        SpanView view(SpanRow s, int depth) {
            List<SpanView> kids = new ArrayList<>();
            for (SpanRow c : children.getOrDefault(s.spanId(), List.of())) {
                if (depth + 1 >= MAX_NESTING) {
                    cutOff.add(c);
                } else {
                    kids.add(view(c, depth + 1));
                }
            }
            List<EventView> events = s.events().stream()
                    .map(e -> new EventView(Times.iso(e.timeNs()), e.name(), e.attributes())).toList();
            List<LinkView> links = s.links().stream()
                    .map(l -> new LinkView(l.traceId(), l.spanId(), s.spanId(), l.spanId(), null, null, null, null,
                            l.attributes())).toList();
            InvocationRow inv = rootOf.get(s.key());
            return new SpanView(s.spanId(), s.parentSpanId(),
                    s.parentSpanId() != null && !ids.contains(s.parentSpanId()), s.name(), s.kind(),
                    emptyToNull(s.service()), emptyToNull(s.function()), Times.iso(s.startNs()),
                    Times.ms(s.startNs() - traceStart), Times.ms(s.durationNs()), s.statusCode(),
                    emptyToNull(s.statusMessage()), s.attributes(), s.resourceAttributes(),
                    s.scopeName().isEmpty() ? null : s.scopeName() + (s.scopeVersion().isEmpty() ? "" : "@" + s.scopeVersion()),
                    events, links, incoming.getOrDefault(s.spanId(), List.of()),
                    inv == null ? null : InvocationView.of(inv), kids);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
