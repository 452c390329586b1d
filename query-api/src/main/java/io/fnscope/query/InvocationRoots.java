package io.fnscope.query;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which span starts each invocation: the span the invocation row names (its server span, from the span half), or
 * else the outermost span carrying the invocation's (function, invocation id), earliest first. Only that span is
 * annotated with the invocation; its children belong to it.
 */
final class InvocationRoots {
    private InvocationRoots() {
    }

    /**
     * The invocation id a span names: its {@code faas.invocation_id} (the {@code invocation_id} column), else, for a
     * function's server or consumer span without one, its own span id in hex, which is how the writer keys the
     * invocation of an entry span that carries no id. Null for spans of no function.
     */
    static String invocationKey(SpanRow s) {
        if (s.function().isEmpty()) {
            return null;
        }
        if (!s.invocationId().isEmpty()) {
            return s.invocationId();
        }
        return "server".equals(s.kind()) || "consumer".equals(s.kind()) ? s.spanId() : null;
    }

    /**
     * @param spans       the spans (one or several traces)
     * @param byKey       the same spans by {@link SpanRow#key()}
     * @param invocations invocation rows by {@link InvocationRow#key()}
     * @return invocation row by the {@link SpanRow#key()} of the span that starts it
     */
    static Map<String, InvocationRow> annotate(List<SpanRow> spans, Map<String, SpanRow> byKey,
                                               Map<String, InvocationRow> invocations) {
        Map<String, InvocationRow> rootOf = new HashMap<>();
        Map<String, SpanRow> outermost = new HashMap<>();
        for (SpanRow s : spans) {
            if (s.invocationId().isEmpty()) {
                continue;
            }
            String key = s.function() + "/" + s.invocationId();
            SpanRow parent = s.parentSpanId() == null ? null : byKey.get(s.traceId() + "/" + s.parentSpanId());
            boolean parentInSame = parent != null && parent.function().equals(s.function())
                    && parent.invocationId().equals(s.invocationId());
            if (parentInSame) {
                continue;
            }
            SpanRow current = outermost.get(key);
            if (current == null || s.startNs() < current.startNs()) {
                outermost.put(key, s);
            }
        }
        for (InvocationRow i : invocations.values()) {
            SpanRow named = i.spanId() == null ? null : byKey.get(i.traceId() + "/" + i.spanId());
            SpanRow root = named != null ? named : outermost.get(i.key());
            if (root != null) {
                rootOf.put(root.key(), i);
            }
        }
        return rootOf;
    }
}
