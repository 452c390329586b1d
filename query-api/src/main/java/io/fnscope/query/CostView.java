package io.fnscope.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/** Cost over a time range, broken down by function, service, trigger or entry point (route). */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "Cost broken down by function, service, trigger or route (entry point, with cost per request).")
record CostView(
        String groupBy,
        String from,
        String to,
        @Schema(description = "sum of the groups' costs, USD") BigDecimal costUsd,
        long invocations,
        List<Group> groups,
        @Schema(description = "groupBy=route: true when more traces than fnscope.query.max-attribution-traces were in"
                + " range and some were left out") boolean truncated,
        @Schema(description = "groupBy=route: the window after the range in which downstream traces count, ms")
        Long downstreamWindowMs) {

    /**
     * One group. For {@code groupBy=route}: {@code key} is the entry point, {@code requests} its entry traces,
     * {@code directCostUsd} their own invocations, {@code downstreamCostUsd} their share of what they set off,
     * {@code costUsd} the sum, {@code costPerRequestUsd} = costUsd / requests.
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Group(String key, long invocations, BigDecimal costUsd,
                 @Schema(description = "costUsd / the total") Double share,
                 BigDecimal costPerInvocationUsd,
                 Double billedGbSeconds,
                 List<String> functions,
                 Long requests,
                 BigDecimal directCostUsd,
                 BigDecimal downstreamCostUsd,
                 BigDecimal costPerRequestUsd,
                 Integer downstreamTraces) {
    }
}
