package io.fnscope.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/**
 * A business transaction: the traces connected to the one asked for, its invocations as a DAG (nodes and hops),
 * the critical path, cold starts, the error origin and the total cost. {@link Transaction} documents every rule.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "The business transaction containing a trace: every connected trace, the invocations as a DAG"
        + " with hops (queue or bus, wait time), critical path, cold starts, error origin and total cost.")
record TransactionView(
        @Schema(description = "the trace asked for") String traceId,
        String startTime,
        String endTime,
        @Schema(description = "end to end: first span start to last span end, ms") double durationMs,
        List<TraceRef> traces,
        @Schema(description = "the DAG's nodes: invocations (and spans of services without function)")
        List<NodeView> invocations,
        @Schema(description = "the DAG's edges, producer span to consumer span") List<HopView> hops,
        CriticalPath criticalPath,
        ColdStarts coldStarts,
        @Schema(description = "the failing span that is not just propagating a child's error; null when nothing failed")
        ErrorOrigin errorOrigin,
        int errorSpans,
        @Schema(description = "sum of the cost of the transaction's invocations, USD") BigDecimal costUsd,
        @Schema(description = "true when every invocation's cost is exact (platform report)") boolean costExact,
        int pricedInvocations,
        Limits limits,
        Truncated truncated,
        @Schema(description = "span links whose target span is not among the loaded spans") int unresolvedLinks,
        @Schema(description = "linked trace ids that fnscope has no spans of") int unresolvedTraces,
        int spanCount) {

    /** One trace of the transaction; depth = hops between traces from the trace asked for. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TraceRef(String traceId, int depth, String startTime, double durationMs, int spanCount, String rootName,
                    String rootService, String rootFunction) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record NodeView(
            @Schema(description = "function/invocationId; function/span:<spanId> or service/span:<spanId> without one")
            String id,
            @Schema(description = "invocation or service") String type,
            String function,
            String service,
            String invocationId,
            String traceId,
            String spanId,
            String name,
            String startTime,
            String endTime,
            double durationMs,
            String trigger,
            boolean coldStart,
            Double initDurationMs,
            Long billedDurationMs,
            Integer memoryMb,
            @Schema(description = "the platform report's status: ok, error, timeout, unknown") String status,
            boolean error,
            BigDecimal costUsd,
            boolean costExact,
            boolean onCriticalPath,
            @Schema(description = "indexes into hops") List<Integer> incomingHops,
            List<Integer> outgoingHops) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record SpanRef(String traceId, String spanId, String name, String kind) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record HopView(
            int index,
            String from,
            String to,
            @Schema(description = "link, parent, message or call") String via,
            @Schema(description = "messaging.system, e.g. aws_sqs, aws_sns, kafka") String system,
            @Schema(description = "queue, topic or bus: messaging.destination.name") String destination,
            String messageId,
            SpanRef producer,
            SpanRef consumer,
            String sendTime,
            String receiveTime,
            @Schema(description = "consumer span start - producer span start, ms") double waitMs,
            boolean consumerColdStart,
            @Schema(description = "the cold consumer's init duration, part of the wait") Double consumerInitDurationMs,
            boolean onCriticalPath) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record CriticalPath(String startTime, String endTime,
                        @Schema(description = "end - start; the steps' durations add up to it") double durationMs,
                        List<Step> steps) {
    }

    /** A stretch of the critical path: time in a node, or the wait of a hop. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Step(@Schema(description = "invocation or hop") String type, String node, Integer hop, String function,
                @Schema(description = "service of a node; system:destination (or via) of a hop") String label,
                String startTime, String endTime, double durationMs) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ColdStarts(int count, int onCriticalPath,
                      @Schema(description = "init duration of the cold starts on the critical path, ms")
                      double addedLatencyMs,
                      List<ColdStart> invocations) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ColdStart(String node, String function, Double initDurationMs, boolean onCriticalPath) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ErrorOrigin(String traceId, String spanId, String name, String node, String function, String service,
                       String statusMessage, String exceptionType, String exceptionMessage, String startTime,
                       @Schema(description = "span, or invocation when only the platform report says it failed")
                       String source,
                       @Schema(description = "failing spans that are not propagating a child's error") int candidates) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Limits(int maxDepth, int maxTraces, long windowMs, int maxSpans) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Truncated(boolean any, boolean depth, boolean traces, boolean window, boolean spans) {
    }
}
