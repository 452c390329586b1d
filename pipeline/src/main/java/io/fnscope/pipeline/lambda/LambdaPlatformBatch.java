package io.fnscope.pipeline.lambda;

import java.util.List;

/**
 * The value of a record on the {@code lambda-platform} topic: Telemetry API events of one function, in the order
 * the extension sent them. {@link LambdaPlatformCodec} reads and writes it; docs/kafka.md shows the JSON.
 */
public record LambdaPlatformBatch(LambdaFunction function, List<PlatformEvent> events) {
    public LambdaPlatformBatch {
        if (function == null) {
            throw new IllegalArgumentException("a Lambda platform batch needs its function");
        }
        events = List.copyOf(events);
    }
}
