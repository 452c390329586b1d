package io.fnscope.collector;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fnscope.collector.ITOtlpHttp.PROTOBUF;
import static io.fnscope.collector.TestObjects.ACME_KEY;
import static io.fnscope.collector.TestObjects.GLOBEX_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** A collector with small limits: items per request, body size, record size (splitting) and a tenant rate limit. */
class ITCollectorLimits {
    static CollectorHarness collector;

    @BeforeAll
    static void start() {
        collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of(
                "fnscope.collector.max-request-bytes", 65536,
                "fnscope.collector.max-items-per-request", 6,
                "fnscope.collector.max-record-bytes", 16384,
                "fnscope.collector.rate-limit.burst-seconds", 1,
                "fnscope.collector.rate-limit.tenants.globex", 10));
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    @Test
    void tooManySpansIs413() throws Exception {
        Span[] spans = new Span[7];
        for (int i = 0; i < spans.length; i++) {
            spans[i] = TestObjects.span("s" + i).build();
        }
        double before = collector.metric("fnscope_collector_items_rejected_total", "tenant", "acme", "reason", "too_many_items");

        HttpResponse<byte[]> r = collector.post("/v1/traces", PROTOBUF, ACME_KEY, TestObjects.traces(spans).toByteArray());

        assertThat(r.statusCode()).isEqualTo(413);
        Status status = Status.parseFrom(r.body());
        assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
        assertThat(status.getMessage()).isEqualTo("the request holds 7 spans, more than the 6 allowed"
                + " (fnscope.collector.max-items-per-request); export smaller batches");
        assertThat(r.headers().firstValue("Retry-After")).isEmpty();
        assertThat(collector.metric("fnscope_collector_items_rejected_total", "tenant", "acme", "reason", "too_many_items"))
                .isEqualTo(before + 7);
    }

    @Test
    void decompressedSizeIsChecked() throws Exception {
        byte[] body = new byte[70_000];
        HttpResponse<byte[]> r = collector.post("/v1/traces", PROTOBUF, ACME_KEY, ITOtlpHttp.gzip(body), "Content-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Status.parseFrom(r.body()).getMessage()).isEqualTo("the request body is 70000 bytes after decompression,"
                + " more than the 65536 allowed (fnscope.collector.max-request-bytes); export smaller batches");
    }

    @Test
    void largeRequestsAreSplitAlongResourceAndScopeBoundaries() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        Set<ByteString> sent = new HashSet<>();
        for (String service : List.of("checkout", "payment")) {
            ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName(service + "-lib"));
            for (int i = 0; i < 3; i++) {
                Span s = TestObjects.span(service + i).addAttributes(TestObjects.attr("payload", "p".repeat(6000))).build();
                sent.add(s.getSpanId());
                scope.addSpans(s);
            }
            request.addResourceSpans(ResourceSpans.newBuilder().setResource(TestObjects.resource(service)).addScopeSpans(scope));
        }

        HttpResponse<byte[]> r = collector.post("/v1/traces", PROTOBUF, ACME_KEY, request.build().toByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ExportTraceServiceResponse.parseFrom(r.body())).isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
        List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 3);
        assertThat(records).hasSizeGreaterThanOrEqualTo(3);
        List<ByteString> received = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(record.value().length).isLessThanOrEqualTo(16384);
            ExportTraceServiceRequest part = ExportTraceServiceRequest.parseFrom(record.value());
            int spans = 0;
            for (ResourceSpans rs : part.getResourceSpansList()) {
                String service = rs.getResource().getAttributes(0).getValue().getStringValue();
                assertThat(rs.getResource()).isEqualTo(TestObjects.resource(service));
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    assertThat(ss.getScope().getName()).isEqualTo(service + "-lib");
                    for (Span s : ss.getSpansList()) {
                        assertThat(s.getName()).startsWith(service);
                        received.add(s.getSpanId());
                        spans++;
                    }
                }
            }
            assertThat(TelemetryHeaders.fromKafka(record.headers()).items()).isEqualTo(spans);
        }
        assertThat(received).hasSize(6).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void aSpanLargerThanARecordIsRejected() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        Span huge = TestObjects.span("huge").addAttributes(TestObjects.attr("a", "a".repeat(9000)))
                .addAttributes(TestObjects.attr("b", "b".repeat(9000))).build();
        Span fine = TestObjects.span("fine").build();

        HttpResponse<byte[]> r = collector.post("/v1/traces", PROTOBUF, ACME_KEY, TestObjects.traces(huge, fine).toByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ExportTraceServiceResponse.parseFrom(r.body()).getPartialSuccess().getErrorMessage())
                .isEqualTo("rejected 1 of 2 spans: on its own it is larger than fnscope.collector.max-record-bytes (1)");
        List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 1);
        assertThat(records).hasSize(1);
        assertThat(ExportTraceServiceRequest.parseFrom(records.get(0).value())).isEqualTo(TestObjects.traces(fine));
    }

    @Test
    void tenantOverItsRateLimitGets429WithRetryAfter() throws Exception {
        Span[] five = new Span[5];
        for (int i = 0; i < five.length; i++) {
            five[i] = TestObjects.span("r" + i).build();
        }
        byte[] body = TestObjects.traces(five).toByteArray();
        double refusedBefore = collector.metric("fnscope_collector_items_refused_total", "tenant", "globex", "reason", "rate_limited");

        HttpResponse<byte[]> first = collector.post("/v1/traces", PROTOBUF, GLOBEX_KEY, body);
        HttpResponse<byte[]> second = collector.post("/v1/traces", PROTOBUF, GLOBEX_KEY, body);
        HttpResponse<byte[]> third = collector.post("/v1/traces", PROTOBUF, GLOBEX_KEY, body);
        HttpResponse<byte[]> otherTenant = collector.post("/v1/traces", PROTOBUF, ACME_KEY, body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
        Status status = Status.parseFrom(third.body());
        assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
        assertThat(status.getMessage()).isEqualTo("tenant 'globex' is over its rate limit of 10 items/s"
                + " (fnscope.collector.rate-limit); retry after 1 s");
        assertThat(status.getDetails(0).unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(1);
        assertThat(otherTenant.statusCode()).isEqualTo(200);
        assertThat(collector.metric("fnscope_collector_items_refused_total", "tenant", "globex", "reason", "rate_limited"))
                .isEqualTo(refusedBefore + (second.statusCode() == 429 ? 10 : 5));

        Thread.sleep(1100);
        assertThat(collector.post("/v1/traces", PROTOBUF, GLOBEX_KEY, body).statusCode()).isEqualTo(200);
    }
}
