package io.fnscope.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/** Who calls what over a time range: nodes (functions, services, queues and buses, databases, external hosts) and edges. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "The service map: nodes and edges with calls, errors and latency.")
record ServiceMapView(String from, String to, List<Node> nodes, List<Edge> edges,
                      @Schema(description = "true when there were more than the edge limit") boolean truncated) {

    /**
     * @param id   {@code <type>:<name>}, e.g. {@code function:checkout-api}, {@code queue:aws_sqs:orders}
     * @param type function, service, queue, database or external
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Node(String id, String type, String name, Long invocations, Long errors, Double errorRate,
                Long coldStarts, FunctionView.Quantiles durationMs, BigDecimal costUsd) {
    }

    @Serdeable

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Edge(String source, String target, long calls, long errors, Double errorRate,
                @Schema(description = "latency of the calling span (client/producer), ms; for queue → consumer edges"
                        + " the consumer span's") FunctionView.Quantiles durationMs,
                Double averageDurationMs) {
    }
}
