package io.fnscope.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/** A search hit: what a trace list shows of one trace. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "A trace found by a search, summarised.")
record TraceSummary(
        String traceId,
        String startTime,
        double durationMs,
        int spanCount,
        Root root,
        List<String> services,
        List<String> functions,
        int errorCount,
        int invocationCount,
        @Schema(description = "sum of the cost of the trace's invocations, USD; null when none is priced")
        BigDecimal costUsd,
        @Schema(description = "start of the first span that matched the filters (the sort key)") String matchedAt) {

    /** The trace's root span (the span without a parent; the earliest span when the root is missing). */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Root(String spanId, String name, String kind, String service, String function) {
    }

    /** A page of hits, newest first; {@code nextCursor} is null on the last page. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "One page of trace search hits, newest first.")
    record Page(String from, String to, int limit, List<TraceSummary> traces,
                @Schema(description = "pass as cursor to get the next page; null when there is none") String nextCursor) {
    }
}
