package io.fnscope.collector;

import com.google.protobuf.ByteString;
import com.google.rpc.Status;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static io.fnscope.collector.TestObjects.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** OTLP/HTTP with the default limits: what exporters send, what they are answered, what reaches Kafka. */
class ITOtlpHttp {
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    static CollectorHarness collector;

    @BeforeAll
    static void start() {
        collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    @Test
    void protobufTracesReachKafkaAsSent() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        ExportTraceServiceRequest request = TestObjects.traces(TestObjects.span("GET /orders").build(),
                TestObjects.span("SELECT orders").build());
        byte[] body = request.toByteArray();
        long before = System.currentTimeMillis();

        HttpResponse<byte[]> response = collector.post("/v1/traces", PROTOBUF, ACME_KEY, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
        assertThat(ExportTraceServiceResponse.parseFrom(response.body())).isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
        List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 1);
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertThat(record.key()).isNull();
        assertThat(record.value()).isEqualTo(body); // valid data is forwarded byte for byte
        TelemetryHeaders h = TelemetryHeaders.fromKafka(record.headers());
        assertThat(h.tenant()).isEqualTo("acme");
        assertThat(h.signal()).isEqualTo(Signal.TRACES);
        assertThat(h.contentType()).isEqualTo(PROTOBUF);
        assertThat(h.items()).isEqualTo(2);
        assertThat(h.receivedAtMillis()).isBetween(before, System.currentTimeMillis());
        assertThat(h.batchId()).isEqualTo(KafkaSink.batchId("acme", Signal.TRACES, body));
    }

    @Test
    void jsonTracesArriveAsProtobufWithHexIdsDecoded() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        String json = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
                  "scopeSpans":[{"scope":{"name":"js","version":"2.1"},"spans":[{
                    "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
                    "parentSpanId":"eee19b7ec3c1b173","name":"GET /x","kind":2,
                    "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
                    "attributes":[{"key":"http.status_code","value":{"intValue":"200"}},
                                  {"key":"blob","value":{"bytesValue":"AQID"}}],
                    "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"}],
                    "status":{"code":2,"message":"boom"},"unknownField":{"x":1}}]}]}]}
                """;

        HttpResponse<byte[]> response = collector.post("/v1/traces", JSON, ACME_KEY, json.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        ConsumerRecord<byte[], byte[]> record = CollectorHarness.readExactly(consumer, 1).get(0);
        assertThat(TelemetryHeaders.fromKafka(record.headers()).contentType()).isEqualTo(PROTOBUF);
        Span span = ExportTraceServiceRequest.parseFrom(record.value()).getResourceSpans(0).getScopeSpans(0).getSpans(0);
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(span.getTraceId().toByteArray())).isEqualTo("5b8efff798038103d269b633813fc60c");
        assertThat(hex.formatHex(span.getSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b174");
        assertThat(hex.formatHex(span.getParentSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b173");
        assertThat(hex.formatHex(span.getLinks(0).getTraceId().toByteArray())).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(hex.formatHex(span.getLinks(0).getSpanId().toByteArray())).isEqualTo("b7ad6b7169203331");
        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(span.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
        assertThat(span.getEndTimeUnixNano()).isEqualTo(1544712661000000000L);
        assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(200);
        assertThat(span.getAttributes(1).getValue().getBytesValue()).isEqualTo(ByteString.copyFrom(new byte[]{1, 2, 3}));
        assertThat(span.getStatus().getCode()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(span.getStatus().getMessage()).isEqualTo("boom");
    }

    @Test
    void gzipBodiesAreDecompressed() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        byte[] body = TestObjects.traces(TestObjects.span("gzip").build()).toByteArray();

        HttpResponse<byte[]> response = collector.post("/v1/traces", PROTOBUF, ACME_KEY, gzip(body), "Content-Encoding", "gzip");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(CollectorHarness.readExactly(consumer, 1)).extracting(ConsumerRecord::value).containsExactly(body);
    }

    @Test
    void aBodyThatIsNotTheGzipItsHeaderSaysIsABadRequestNotAServerError() throws Exception {
        // Not retried by an exporter (400), unlike the 500 it was: the same bytes would fail the same way.
        byte[] notGzip = TestObjects.traces(TestObjects.span("plain").build()).toByteArray();
        HttpResponse<byte[]> protobuf = collector.post("/v1/traces", PROTOBUF, ACME_KEY, notGzip, "Content-Encoding", "gzip");
        assertThat(protobuf.statusCode()).isEqualTo(400);
        Status status = Status.parseFrom(protobuf.body());
        assertThat(status.getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT.value());
        assertThat(status.getMessage()).startsWith("the body is not valid gzip (Content-Encoding gzip):");

        HttpResponse<byte[]> json = collector.post("/v1/logs", JSON, ACME_KEY,
                "{\"resourceLogs\":[]}".getBytes(StandardCharsets.UTF_8), "Content-Encoding", "gzip");
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(new String(json.body(), StandardCharsets.UTF_8)).contains("\"code\":3").contains("not valid gzip");

        // Cut short: what decompresses is half a request, refused as such (the exporter is told, nothing is stored).
        byte[] whole = gzip(TestObjects.traces(TestObjects.span("x".repeat(2000)).build()).toByteArray());
        HttpResponse<byte[]> cut = collector.post("/v1/traces", PROTOBUF, ACME_KEY,
                java.util.Arrays.copyOf(whole, whole.length / 2), "Content-Encoding", "gzip");
        assertThat(cut.statusCode()).isEqualTo(400);
        assertThat(Status.parseFrom(cut.body()).getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT.value());

        assertThat(collector.post("/v1/traces", PROTOBUF, ACME_KEY, gzip(notGzip), "Content-Encoding", "gzip")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void emptyRequestsSucceedAndWriteNothing() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.LOGS);
        assertThat(collector.post("/v1/logs", PROTOBUF, ACME_KEY, new byte[0]).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> json = collector.post("/v1/logs", JSON, ACME_KEY, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(new String(json.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(CollectorHarness.read(consumer, l -> false, java.time.Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void invalidSpansAreRejectedAndTheRestAccepted() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        Span good = TestObjects.span("good").build();
        Span shortTraceId = TestObjects.span("short").setTraceId(ByteString.copyFrom(new byte[8])).build();
        Span backwards = TestObjects.span("backwards").setEndTimeUnixNano(TestObjects.NOW_NANOS - 1).build();
        double rejectedBefore = collector.metric("fnscope_collector_items_rejected_total", "tenant", "acme", "reason", "end_before_start");

        HttpResponse<byte[]> response = collector.post("/v1/traces", PROTOBUF, ACME_KEY,
                TestObjects.traces(shortTraceId, good, backwards).toByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
        assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(answer.getPartialSuccess().getErrorMessage()).isEqualTo("rejected 2 of 3 spans: trace_id is not 16 bytes"
                + " or is all zero (1); end_time_unix_nano is before start_time_unix_nano (1)");
        ConsumerRecord<byte[], byte[]> record = CollectorHarness.readExactly(consumer, 1).get(0);
        ExportTraceServiceRequest stored = ExportTraceServiceRequest.parseFrom(record.value());
        assertThat(stored).isEqualTo(TestObjects.traces(good));
        assertThat(TelemetryHeaders.fromKafka(record.headers()).items()).isEqualTo(1);
        assertThat(collector.metric("fnscope_collector_items_rejected_total", "tenant", "acme", "reason", "end_before_start"))
                .isEqualTo(rejectedBefore + 1);
    }

    @Test
    void spansFromAClockMoreThanADayAheadAreRejectedWithTheKeyThatAllowsThem() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        long now = System.currentTimeMillis() * 1_000_000L;
        Span hourAhead = TestObjects.span("an hour ahead").setStartTimeUnixNano(now + 3_600_000_000_000L)
                .setEndTimeUnixNano(now + 3_600_001_000_000L).build();
        Span twoDaysAhead = TestObjects.span("two days ahead").setStartTimeUnixNano(now + 172_800_000_000_000L)
                .setEndTimeUnixNano(now + 172_800_001_000_000L).build();
        double rejectedBefore = collector.metric("fnscope_collector_items_rejected_total", "tenant", "acme", "reason", "time_ahead");

        HttpResponse<byte[]> response = collector.post("/v1/traces", PROTOBUF, ACME_KEY,
                TestObjects.traces(hourAhead, twoDaysAhead).toByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
        assertThat(answer.getPartialSuccess().getErrorMessage()).isEqualTo("rejected 1 of 2 spans: start_time_unix_nano or"
                + " end_time_unix_nano is further ahead of the collector's clock than fnscope.collector.max-time-ahead"
                + " allows (1)");
        ConsumerRecord<byte[], byte[]> record = CollectorHarness.readExactly(consumer, 1).get(0);
        assertThat(ExportTraceServiceRequest.parseFrom(record.value())).isEqualTo(TestObjects.traces(hourAhead));
        assertThat(collector.metric("fnscope_collector_items_rejected_total", "tenant", "acme", "reason", "time_ahead"))
                .isEqualTo(rejectedBefore + 1);
    }

    @Test
    void requestWithOnlyInvalidSpansIsABadRequest() throws Exception {
        Span zeroTrace = TestObjects.span("zero").setTraceId(ByteString.copyFrom(new byte[16])).build();
        Span zeroSpan = TestObjects.span("zero span").setSpanId(ByteString.copyFrom(new byte[8])).build();
        Span badParent = TestObjects.span("parent").setParentSpanId(ByteString.copyFrom(new byte[4])).build();
        Span noStart = TestObjects.span("start").setStartTimeUnixNano(0).build();

        HttpResponse<byte[]> response = collector.post("/v1/traces", PROTOBUF, ACME_KEY,
                TestObjects.traces(zeroTrace, zeroSpan, badParent, noStart).toByteArray());

        assertThat(response.statusCode()).isEqualTo(400);
        Status status = Status.parseFrom(response.body());
        assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.INVALID_ARGUMENT_VALUE);
        assertThat(status.getMessage()).isEqualTo("rejected all 4 spans: trace_id is not 16 bytes or is all zero (1);"
                + " span_id is not 8 bytes or is all zero (1); parent_span_id is neither empty nor 8 bytes (1);"
                + " start_time_unix_nano is 0 (1)");
    }

    @Test
    void attributesAboveTheLimitsAreDroppedAndTruncated() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        Span.Builder span = TestObjects.span("many attributes").clearAttributes();
        for (int i = 0; i < 130; i++) {
            span.addAttributes(TestObjects.attr("k" + i, "v" + i));
        }
        span.setAttributes(5, TestObjects.attr("k5", "x".repeat(20_000)));
        span.setParentSpanId(ByteString.copyFrom(new byte[8]));

        HttpResponse<byte[]> response = collector.post("/v1/traces", PROTOBUF, ACME_KEY, TestObjects.traces(span.build()).toByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
        assertThat(answer.getPartialSuccess().getRejectedSpans()).isZero();
        assertThat(answer.getPartialSuccess().getErrorMessage()).isEqualTo("accepted 1 span with changes:"
                + " attributes dropped above fnscope.collector.max-attributes (2);"
                + " attribute values truncated to fnscope.collector.max-attribute-value-length characters (1);"
                + " all-zero parent_span_id cleared (span treated as root) (1)");
        Span stored = ExportTraceServiceRequest.parseFrom(CollectorHarness.readExactly(consumer, 1).get(0).value())
                .getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertThat(stored.getAttributesCount()).isEqualTo(128);
        assertThat(stored.getDroppedAttributesCount()).isEqualTo(2);
        assertThat(stored.getAttributes(127).getKey()).isEqualTo("k127");
        assertThat(stored.getAttributes(5).getValue().getStringValue()).isEqualTo("x".repeat(16384));
        assertThat(stored.getParentSpanId()).isEmpty();
        assertThat(stored.getEvents(0)).isEqualTo(span.getEvents(0));
        assertThat(stored.getLinks(0)).isEqualTo(span.getLinks(0));
        assertThat(collector.metric("fnscope_collector_limits_applied_total", "tenant", "acme", "kind", "attribute_dropped"))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void metricsAndLogsOverProtobufAndJson() throws Exception {
        KafkaConsumer<byte[], byte[]> metrics = collector.consumer(Signal.METRICS);
        KafkaConsumer<byte[], byte[]> logs = collector.consumer(Signal.LOGS);
        ExportMetricsServiceRequest m = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(TestObjects.resource("checkout")).addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(
                        Metric.newBuilder().setName("faas.invocations").setUnit("1").setGauge(Gauge.newBuilder()
                                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(TestObjects.NOW_NANOS).setAsInt(3))
                                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(0).setAsInt(4)))))).build();
        ByteString trace = TestObjects.traceId();
        ExportLogsServiceRequest l = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(TestObjects.resource("checkout")).addScopeLogs(ScopeLogs.newBuilder()
                        .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(TestObjects.NOW_NANOS).setTraceId(trace)
                                .setBody(AnyValue.newBuilder().setStringValue("order placed")))
                        .addLogRecords(LogRecord.newBuilder().setTraceId(ByteString.copyFrom(new byte[3]))))).build();

        HttpResponse<byte[]> mr = collector.post("/v1/metrics", PROTOBUF, ACME_KEY, m.toByteArray());
        String logsJson = """
                {"resourceLogs":[{"scopeLogs":[{"logRecords":[
                  {"timeUnixNano":"1763900000000000000","severityNumber":9,"body":{"stringValue":"hello"},
                   "traceId":"%s","spanId":"0102030405060708"}]}]}]}
                """.formatted(HexFormat.of().formatHex(trace.toByteArray()));
        HttpResponse<byte[]> lr = collector.post("/v1/logs", PROTOBUF, ACME_KEY, l.toByteArray());
        HttpResponse<byte[]> lj = collector.post("/v1/logs", JSON, ACME_KEY, logsJson.getBytes(StandardCharsets.UTF_8));

        assertThat(mr.statusCode()).isEqualTo(200);
        assertThat(io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse.parseFrom(mr.body())
                .getPartialSuccess().getErrorMessage()).isEqualTo("rejected 1 of 2 data points: time_unix_nano is 0 (1)");
        assertThat(lr.statusCode()).isEqualTo(200);
        assertThat(io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse.parseFrom(lr.body())
                .getPartialSuccess().getErrorMessage())
                .isEqualTo("rejected 1 of 2 log records: trace_id is neither empty nor 16 bytes (not all zero) (1)");
        assertThat(lj.statusCode()).isEqualTo(200);

        ExportMetricsServiceRequest storedMetrics = ExportMetricsServiceRequest.parseFrom(CollectorHarness.readExactly(metrics, 1).get(0).value());
        assertThat(storedMetrics.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getGauge().getDataPointsList())
                .containsExactly(NumberDataPoint.newBuilder().setTimeUnixNano(TestObjects.NOW_NANOS).setAsInt(3).build());
        List<ConsumerRecord<byte[], byte[]>> logRecords = CollectorHarness.readExactly(logs, 2);
        assertThat(logRecords).hasSize(2);
        LogRecord first = ExportLogsServiceRequest.parseFrom(logRecords.get(0).value()).getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
        LogRecord second = ExportLogsServiceRequest.parseFrom(logRecords.get(1).value()).getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
        assertThat(List.of(first.getBody().getStringValue(), second.getBody().getStringValue())).containsExactlyInAnyOrder("order placed", "hello");
        assertThat(List.of(first.getTraceId(), second.getTraceId())).containsOnly(trace);
    }

    @Test
    void badInputGetsItsDocumentedAnswer() throws Exception {
        HttpResponse<byte[]> text = collector.post("/v1/traces", "text/plain", ACME_KEY, "hi".getBytes());
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(new String(text.body())).isEqualTo("{\"code\":3,\"message\":\"Content-Type text/plain is not supported;"
                + " send application/x-protobuf or application/json\"}");

        HttpResponse<byte[]> noType = collector.post("/v1/traces", null, ACME_KEY, "hi".getBytes());
        assertThat(noType.statusCode()).isEqualTo(415);
        assertThat(statusMessage(noType)).isEqualTo("the Content-Type header is missing; send application/x-protobuf or application/json");

        HttpResponse<byte[]> brotli = collector.post("/v1/traces", PROTOBUF, ACME_KEY, new byte[]{1}, "Content-Encoding", "br");
        assertThat(brotli.statusCode()).isEqualTo(415);
        assertThat(Status.parseFrom(brotli.body()).getMessage()).isEqualTo("Content-Encoding br is not supported; send gzip or uncompressed bodies");

        HttpResponse<byte[]> garbage = collector.post("/v1/traces", PROTOBUF, ACME_KEY, "not protobuf".getBytes());
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(Status.parseFrom(garbage.body()).getMessage())
                .isEqualTo("the body is not a valid protobuf ExportTraceServiceRequest: a field has the invalid wire type 6");

        HttpResponse<byte[]> truncated = collector.post("/v1/traces", PROTOBUF, ACME_KEY,
                java.util.Arrays.copyOf(TestObjects.traces(TestObjects.span("t").build()).toByteArray(), 40));
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(Status.parseFrom(truncated.body()).getMessage())
                .isEqualTo("the body is not a valid protobuf ExportTraceServiceRequest: the message is truncated");

        HttpResponse<byte[]> badJson = collector.post("/v1/traces", JSON, ACME_KEY, "{\"resourceSpans\":[".getBytes());
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(statusMessage(badJson)).isEqualTo("the body is not valid JSON: Unexpected end-of-input: expected close"
                + " marker for Array at line 1, column 19");

        HttpResponse<byte[]> array = collector.post("/v1/traces", JSON, ACME_KEY, "[1,2]".getBytes());
        assertThat(statusMessage(array)).isEqualTo("the body must be a JSON object (an OTLP/JSON ExportTraceServiceRequest)");

        HttpResponse<byte[]> wrongShape = collector.post("/v1/traces", JSON, ACME_KEY, "{\"resourceSpans\":{\"a\":1}}".getBytes());
        assertThat(wrongShape.statusCode()).isEqualTo(400);
        assertThat(statusMessage(wrongShape)).isEqualTo("the body is not an OTLP/JSON ExportTraceServiceRequest:"
                + " Expected an array for resource_spans but found {\"a\":1}");

        HttpResponse<byte[]> badHex = collector.post("/v1/traces", JSON, ACME_KEY,
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}".getBytes());
        assertThat(badHex.statusCode()).isEqualTo(400);
        assertThat(statusMessage(badHex)).isEqualTo("resourceSpans[0].scopeSpans[0].spans[0].traceId must be hex-encoded"
                + " (OTLP/JSON), got 'xyz'");

        HttpResponse<byte[]> missingKey = collector.post("/v1/traces", PROTOBUF, null, new byte[0]);
        assertThat(missingKey.statusCode()).isEqualTo(401);
        assertThat(missingKey.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(Status.parseFrom(missingKey.body()).getMessage()).isEqualTo("missing credentials: send 'Authorization: Bearer <key>'");

        HttpResponse<byte[]> unknownKey = collector.post("/v1/traces", JSON, "fns_nobodyHasThisKey", new byte[0]);
        assertThat(unknownKey.statusCode()).isEqualTo(401);
        assertThat(statusMessage(unknownKey)).isEqualTo("unknown or revoked key");

        HttpResponse<byte[]> viewer = collector.post("/v1/traces", JSON, TestObjects.VIEWER_KEY, new byte[0]);
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(statusMessage(viewer)).isEqualTo("this key is not an ingest key; send telemetry with a key of role ingest");
    }

    @Test
    void oversizeBodiesAndGzipBombsGet413() throws Exception {
        byte[] big = new byte[9 * 1024 * 1024];
        HttpResponse<byte[]> declared = collector.post("/v1/traces", PROTOBUF, ACME_KEY, big);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(Status.parseFrom(declared.body()).getMessage()).isEqualTo("the request body is 9437184 bytes (Content-Length),"
                + " more than the 8388608 allowed (fnscope.collector.max-request-bytes); export smaller batches");

        // 9 MiB of zeros gzip to 9 KiB: only the decompressed size shows it is too large.
        HttpResponse<byte[]> inflated = collector.post("/v1/traces", PROTOBUF, ACME_KEY, gzip(big), "Content-Encoding", "gzip");
        assertThat(inflated.statusCode()).isEqualTo(413);
        assertThat(Status.parseFrom(inflated.body()).getMessage()).isEqualTo("the request body is 9437184 bytes after"
                + " decompression, more than the 8388608 allowed (fnscope.collector.max-request-bytes); export smaller batches");

        // 1 GiB of zeros in a 1 MB gzip: reading stops at the transport's buffer limit; the heap never sees 1 GiB.
        byte[] bomb = gzipZeros(1L << 30);
        HttpResponse<byte[]> exploded = collector.post("/v1/traces", PROTOBUF, ACME_KEY, bomb, "Content-Encoding", "gzip");
        assertThat(exploded.statusCode()).isEqualTo(413);
        assertThat(Status.parseFrom(exploded.body()).getMessage()).isEqualTo("the request body is larger than the collector"
                + " reads (more than 8388608 bytes, fnscope.collector.max-request-bytes, once decompressed); export smaller batches");

        // And the collector still works.
        assertThat(collector.post("/v1/traces", PROTOBUF, ACME_KEY,
                TestObjects.traces(TestObjects.span("after bomb").build()).toByteArray()).statusCode()).isEqualTo(200);
    }

    @Test
    void itemCountersAddUp() throws Exception {
        collector.post("/v1/traces", PROTOBUF, TestObjects.GLOBEX_KEY, TestObjects.traces(TestObjects.span("a").build(),
                TestObjects.span("b").setSpanId(ByteString.EMPTY).build()).toByteArray());
        collector.post("/v1/traces", PROTOBUF, TestObjects.GLOBEX_KEY, TestObjects.traces(TestObjects.span("c").build()).toByteArray());
        double received = collector.metric("fnscope_collector_items_received_total", "tenant", "globex", "signal", "traces");
        double accepted = collector.metric("fnscope_collector_items_accepted_total", "tenant", "globex", "signal", "traces");
        double rejected = collector.metric("fnscope_collector_items_rejected_total", "tenant", "globex", "signal", "traces");
        double refused = collector.metric("fnscope_collector_items_refused_total", "tenant", "globex", "signal", "traces");
        assertThat(received).isEqualTo(3);
        assertThat(accepted).isEqualTo(2);
        assertThat(rejected).isEqualTo(1);
        assertThat(refused).isZero();
        assertThat(collector.metric("fnscope_collector_requests_total", "transport", "http", "signal", "traces", "outcome", "partial"))
                .isGreaterThanOrEqualTo(1);
        assertThat(collector.metric("fnscope_collector_request_duration_seconds_count", "transport", "http", "signal", "traces"))
                .isGreaterThanOrEqualTo(2);
        assertThat(collector.metric("fnscope_collector_kafka_records_total", "signal", "traces")).isGreaterThanOrEqualTo(2);
        assertThat(collector.metric("fnscope_collector_in_flight_bytes")).isZero();
        assertThat(collector.metric("fnscope_collector_in_flight_limit_bytes")).isEqualTo(67108864);
    }

    static String statusMessage(HttpResponse<byte[]> r) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("message").asText();
        } catch (Exception e) {
            throw new AssertionError("not a JSON status: " + body, e);
        }
    }

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] gzipZeros(long size) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (long w = 0; w < size; w += zeros.length) {
                gz.write(zeros, 0, (int) Math.min(zeros.length, size - w));
            }
        }
        return out.toByteArray();
    }
}
