package io.fnscope.writer;

import com.google.protobuf.ByteString;
import io.fnscope.clickhouse.ConnectedTracesListener.Edge;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.fnscope.writer.TestObjects.attr;
import static io.fnscope.writer.TestObjects.serverSpan;
import static io.fnscope.writer.TestObjects.spanId;
import static io.fnscope.writer.TestObjects.traceId;
import static org.assertj.core.api.Assertions.assertThat;

/** The edges a span gives the transaction labeller: those the query API's transaction_edges views derive from it. */
class TraceEdgesTest {
    private final ByteString trace = traceId();
    private final String hex = Ids.hex(trace);

    private Span.Builder span() {
        return serverSpan(trace, "s", 7, 1);
    }

    private static List<Edge> edges(Span span) {
        List<Edge> out = new ArrayList<>();
        TraceRows.addEdges(span, out);
        return out;
    }

    @Test
    void linksToOtherTracesAndMessageIdsOfAnyKindOfSpan() {
        ByteString other = traceId();
        assertThat(edges(span().addLinks(Span.Link.newBuilder().setTraceId(other).setSpanId(spanId()))
                .addLinks(Span.Link.newBuilder().setTraceId(trace).setSpanId(spanId())) // inside its own trace
                .build())).containsExactly(new Edge(hex, Ids.hex(other), 7));
        assertThat(edges(span().setKind(Span.SpanKind.SPAN_KIND_PRODUCER).addAttributes(attr("messaging.message.id",
                "m-1")).build())).containsExactly(new Edge(hex, "m:m-1", 7));
        assertThat(edges(span().addAttributes(KeyValue.newBuilder().setKey("messaging.message.id")
                .setValue(AnyValue.newBuilder().setIntValue(42))).build())).as("a number as id")
                .containsExactly(new Edge(hex, "m:42", 7));
    }

    @Test
    void anEmptyIdOrNoneGivesNothing() {
        assertThat(edges(span().addAttributes(attr("messaging.message.id", "")).build())).isEmpty();
        assertThat(edges(span().addAttributes(attr("messaging.system", "aws_sqs")).build())).isEmpty();
        assertThat(edges(span().build())).isEmpty();
    }
}
