package io.fnscope.clickhouse;

import java.util.Map;
import java.util.Set;

/**
 * Told, after each flush the writer committed, which traces it stored spans of that may join them to traces stored
 * before: a span link to another trace, or a message id on a span that consumes (not produces) the message. The
 * query API keeps its transaction labels up to date from it. Called on the writer's loop thread: an implementation
 * hands the work off and returns at once.
 */
public interface ConnectedTracesListener {
    /** @param traceIds per tenant, the trace ids (32 lower-case hex digits) */
    void written(Map<String, Set<String>> traceIds);
}
