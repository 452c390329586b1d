package io.fnscope.writer;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import static io.fnscope.writer.TestObjects.attr;
import static io.fnscope.writer.TestObjects.serverSpan;
import static io.fnscope.writer.TestObjects.spanId;
import static io.fnscope.writer.TestObjects.traceId;
import static org.assertj.core.api.Assertions.assertThat;

/** Which spans may join their trace to others stored before (what the transaction labeller is told). */
class JoinsOtherTracesTest {
    private final ByteString trace = traceId();

    private Span.Builder span() {
        return serverSpan(trace, "s", 1, 1);
    }

    @Test
    void aLinkToAnotherTraceOrAConsumedMessageJoins() {
        assertThat(TraceRows.joinsOtherTraces(span().addLinks(Span.Link.newBuilder().setTraceId(traceId())
                .setSpanId(spanId())).build())).isTrue();
        assertThat(TraceRows.joinsOtherTraces(span().addAttributes(attr("messaging.message.id", "m-1")).build()))
                .isTrue();
        assertThat(TraceRows.joinsOtherTraces(span().addAttributes(KeyValue.newBuilder().setKey("messaging.message.id")
                .setValue(AnyValue.newBuilder().setIntValue(42))).build())).as("a number as id").isTrue();
    }

    @Test
    void aProducedMessageALinkInsideTheTraceAnEmptyIdOrNothingDoesNot() {
        assertThat(TraceRows.joinsOtherTraces(span().setKind(Span.SpanKind.SPAN_KIND_PRODUCER)
                .addAttributes(attr("messaging.message.id", "m-1")).build())).as("its consumers come later").isFalse();
        assertThat(TraceRows.joinsOtherTraces(span().addLinks(Span.Link.newBuilder().setTraceId(trace)
                .setSpanId(spanId())).build())).isFalse();
        assertThat(TraceRows.joinsOtherTraces(span().addAttributes(attr("messaging.message.id", "")).build())).isFalse();
        assertThat(TraceRows.joinsOtherTraces(span().addAttributes(attr("messaging.system", "aws_sqs")).build()))
                .isFalse();
        assertThat(TraceRows.joinsOtherTraces(span().build())).isFalse();
    }
}
