package io.fnscope.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/** One function execution as answers show it: trigger, cold start, billed time, memory and cost. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "A function execution (invocation), folded from its span and its platform report.")
record InvocationView(
        String function,
        String invocationId,
        String traceId,
        String spanId,
        @Schema(description = "start, ISO-8601 UTC") String startTime,
        String trigger,
        String route,
        boolean coldStart,
        @Schema(description = "init (cold start) duration from the platform report, ms; null when warm or unknown")
        Double initDurationMs,
        @Schema(description = "duration from the platform report, else the span's, ms") Double durationMs,
        Long billedDurationMs,
        Integer memoryMb,
        Long maxMemoryUsedMb,
        @Schema(description = "ok, error, timeout or unknown") String status,
        String errorMessage,
        @Schema(description = "USD; exact (from the platform report) when costExact, else estimated") BigDecimal costUsd,
        boolean costExact,
        @Schema(description = "why the cost is estimated (DURATION_FROM_SPAN, MEMORY_DEFAULTED, ...)")
        List<String> costFlags) {

    static InvocationView of(InvocationRow i) {
        return new InvocationView(i.function(), i.invocationId(), nullIfZero(i.traceId()), nullIfZero(i.spanId()),
                Times.iso(i.startNs()), emptyToNull(i.trigger()), emptyToNull(i.route()), i.coldStart(),
                i.initDurationMs(), i.durationMs(), i.billedDurationMs(), i.memoryMb(), i.maxMemoryUsedMb(),
                i.status(), emptyToNull(i.errorMessage()), i.costUsd(), i.costExact(), i.costFlags());
    }

    private static String nullIfZero(String hex) {
        return hex == null || hex.chars().allMatch(c -> c == '0') ? null : hex;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
