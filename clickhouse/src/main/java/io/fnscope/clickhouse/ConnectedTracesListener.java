package io.fnscope.clickhouse;

import java.util.List;
import java.util.Map;

/**
 * Told, after each flush the writer committed, how the traces it stored connect to others: each span link to another
 * trace (trace -> linked trace) and each message id on a messaging span (trace -> {@code m:<message id>}), the
 * edges the query API's {@code transaction_edges} index holds, as the writer saw them. The query API keeps its transaction
 * labels up to date from them. Called on the writer's loop thread: an implementation hands the work off and returns
 * at once.
 */
public interface ConnectedTracesListener {
    /**
     * A trace (32 lower-case hex digits), what it connects to (another trace's id, or {@code m:<message id>}), and
     * the start of the span that says so (Unix ns), the time transaction_edges files the edge under.
     */
    record Edge(String trace, String peer, long timeNanos) {
    }

    /** @param edges per tenant, in the order the writer read them */
    void written(Map<String, List<Edge>> edges);
}
