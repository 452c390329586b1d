package io.fnscope.collector;

import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The OTel Java SDK's own OTLP exporters (gRPC and HTTP/protobuf) send traces, metrics and logs; all arrive intact. */
class ITOtelJavaSdk {
    static CollectorHarness collector;

    @BeforeAll
    static void start() {
        collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    String grpcEndpoint() {
        return "http://127.0.0.1:" + collector.grpcPort;
    }

    String httpEndpoint(String path) {
        return "http://127.0.0.1:" + collector.httpPort + path;
    }

    @Test
    void spansOverGrpc() throws Exception {
        exportAndCheckSpans(OtlpGrpcSpanExporter.builder().setEndpoint(grpcEndpoint())
                .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY).build());
    }

    @Test
    void spansOverHttpProtobuf() throws Exception {
        exportAndCheckSpans(OtlpHttpSpanExporter.builder().setEndpoint(httpEndpoint("/v1/traces"))
                .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY).build());
    }

    @Test
    void spansOverGzipGrpcAndHttp() throws Exception {
        exportAndCheckSpans(OtlpGrpcSpanExporter.builder().setEndpoint(grpcEndpoint()).setCompression("gzip")
                .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY).build());
        exportAndCheckSpans(OtlpHttpSpanExporter.builder().setEndpoint(httpEndpoint("/v1/traces")).setCompression("gzip")
                .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY).build());
    }

    @Test
    void wrongKeyFailsTheExport() {
        SpanExporter grpc = OtlpGrpcSpanExporter.builder().setEndpoint(grpcEndpoint())
                .addHeader("Authorization", "Bearer fns_wrong").build();
        SpanExporter http = OtlpHttpSpanExporter.builder().setEndpoint(httpEndpoint("/v1/traces"))
                .addHeader("Authorization", "Bearer fns_wrong").build();
        List<SpanData> spans = recordSpans(Resource.getDefault());
        assertThat(grpc.export(spans).join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
        assertThat(http.export(spans).join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
        assertThat(collector.metric("fnscope_collector_requests_total", "transport", "grpc", "outcome", "unauthenticated")).isGreaterThanOrEqualTo(1);
        assertThat(collector.metric("fnscope_collector_requests_total", "transport", "http", "outcome", "unauthenticated")).isGreaterThanOrEqualTo(1);
        grpc.shutdown();
        http.shutdown();
    }

    @Test
    void metricsOverGrpcAndHttp() throws Exception {
        exportAndCheckMetrics(OtlpGrpcMetricExporter.builder().setEndpoint(grpcEndpoint())
                .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY).build(), "grpc");
        exportAndCheckMetrics(OtlpHttpMetricExporter.builder().setEndpoint(httpEndpoint("/v1/metrics"))
                .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY).build(), "http");
    }

    @Test
    void logsOverGrpcAndHttp() throws Exception {
        exportAndCheckLogs(OtlpGrpcLogRecordExporter.builder().setEndpoint(grpcEndpoint())
                .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY).build(), "grpc");
        exportAndCheckLogs(OtlpHttpLogRecordExporter.builder().setEndpoint(httpEndpoint("/v1/logs"))
                .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY).build(), "http");
    }

    // ------------------------------------------------------------------------------------------------------ traces

    static Resource resource(String service) {
        return Resource.create(Attributes.builder()
                .put("service.name", service)
                .put("faas.name", service)
                .put("faas.max_memory", 536870912L)
                .put("cloud.provider", "aws")
                .put("cloud.platform", "aws_lambda")
                .build());
    }

    /** Spans made by the SDK as an instrumented function would: server span, child, event, link with attributes. */
    static List<SpanData> recordSpans(Resource resource) {
        List<SpanData> ended = new CopyOnWriteArrayList<>();
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(new SpanProcessor() {
                    public void onStart(Context parent, ReadWriteSpan span) {
                    }

                    public boolean isStartRequired() {
                        return false;
                    }

                    public void onEnd(ReadableSpan span) {
                        ended.add(span.toSpanData());
                    }

                    public boolean isEndRequired() {
                        return true;
                    }
                }).build();
        Tracer tracer = provider.tracerBuilder("io.fnscope.it").setInstrumentationVersion("1.2.3")
                .setSchemaUrl("https://opentelemetry.io/schemas/1.27.0").build();
        SpanContext producer = SpanContext.create(io.opentelemetry.api.trace.TraceId.fromLongs(7, 11),
                io.opentelemetry.api.trace.SpanId.fromLong(13), TraceFlags.getSampled(), TraceState.getDefault());
        io.opentelemetry.api.trace.Span server = tracer.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER)
                .setAttribute("faas.trigger", "http").setAttribute("faas.coldstart", true)
                .setAttribute("http.response.status_code", 201L).setAttribute(AttributeKey.doubleKey("ratio"), 0.25)
                .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
                .addLink(producer, Attributes.of(AttributeKey.stringKey("messaging.message.id"), "m-42"))
                .startSpan();
        try (var ignored = server.makeCurrent()) {
            io.opentelemetry.api.trace.Span child = tracer.spanBuilder("INSERT orders").setSpanKind(SpanKind.CLIENT)
                    .setAttribute("db.system", "dynamodb").startSpan();
            child.addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), 2L));
            child.setStatus(StatusCode.ERROR, "throttled");
            child.end();
        }
        server.setStatus(StatusCode.OK);
        server.end();
        provider.shutdown().join(5, TimeUnit.SECONDS);
        return new ArrayList<>(ended);
    }

    void exportAndCheckSpans(SpanExporter exporter) throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        Resource resource = resource("orders-" + System.nanoTime());
        List<SpanData> spans = recordSpans(resource);

        CompletableResultCode result = exporter.export(spans).join(10, TimeUnit.SECONDS);
        exporter.shutdown();

        assertThat(result.isSuccess()).as("export succeeded").isTrue();
        List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 1);
        assertThat(records).hasSize(1);
        assertThat(TelemetryHeaders.fromKafka(records.get(0).headers()).items()).isEqualTo(2);
        ExportTraceServiceRequest stored = ExportTraceServiceRequest.parseFrom(records.get(0).value());
        ResourceSpans rs = stored.getResourceSpans(0);
        assertThat(attributes(rs.getResource().getAttributesList())).isEqualTo(expected(resource.getAttributes()));
        ScopeSpans ss = rs.getScopeSpans(0);
        assertThat(ss.getScope().getName()).isEqualTo("io.fnscope.it");
        assertThat(ss.getScope().getVersion()).isEqualTo("1.2.3");
        assertThat(ss.getSchemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.27.0");
        assertThat(ss.getSpansCount()).isEqualTo(2);
        for (SpanData sent : spans) {
            Span got = ss.getSpansList().stream().filter(s -> s.getName().equals(sent.getName())).findFirst().orElseThrow();
            assertThat(hex(got.getTraceId().toByteArray())).isEqualTo(sent.getTraceId());
            assertThat(hex(got.getSpanId().toByteArray())).isEqualTo(sent.getSpanId());
            assertThat(hex(got.getParentSpanId().toByteArray())).isEqualTo(sent.getParentSpanContext().isValid()
                    ? sent.getParentSpanId() : "");
            assertThat(got.getKind().getNumber()).isEqualTo(sent.getKind().ordinal() + 1);
            assertThat(got.getStartTimeUnixNano()).isEqualTo(sent.getStartEpochNanos());
            assertThat(got.getEndTimeUnixNano()).isEqualTo(sent.getEndEpochNanos());
            assertThat(attributes(got.getAttributesList())).isEqualTo(expected(sent.getAttributes()));
            assertThat(got.getStatus().getCode().getNumber()).isEqualTo(sent.getStatus().getStatusCode().ordinal());
            assertThat(got.getStatus().getMessage()).isEqualTo(sent.getStatus().getDescription());
            assertThat(got.getEventsCount()).isEqualTo(sent.getEvents().size());
            for (int i = 0; i < sent.getEvents().size(); i++) {
                EventData e = sent.getEvents().get(i);
                assertThat(got.getEvents(i).getName()).isEqualTo(e.getName());
                assertThat(got.getEvents(i).getTimeUnixNano()).isEqualTo(e.getEpochNanos());
                assertThat(attributes(got.getEvents(i).getAttributesList())).isEqualTo(expected(e.getAttributes()));
            }
            assertThat(got.getLinksCount()).isEqualTo(sent.getLinks().size());
            for (int i = 0; i < sent.getLinks().size(); i++) {
                LinkData l = sent.getLinks().get(i);
                assertThat(hex(got.getLinks(i).getTraceId().toByteArray())).isEqualTo(l.getSpanContext().getTraceId());
                assertThat(hex(got.getLinks(i).getSpanId().toByteArray())).isEqualTo(l.getSpanContext().getSpanId());
                assertThat(attributes(got.getLinks(i).getAttributesList())).isEqualTo(expected(l.getAttributes()));
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------- metrics

    void exportAndCheckMetrics(MetricExporter exporter, String transport) throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.METRICS);
        SdkMeterProvider provider = SdkMeterProvider.builder().setResource(resource("metered"))
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build()).build();
        var meter = provider.get("io.fnscope.it");
        meter.counterBuilder("faas.invocations").build().add(3, Attributes.of(AttributeKey.stringKey("transport"), transport));
        meter.histogramBuilder("faas.invoke_duration").setUnit("s").build().record(0.42);

        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

        List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 1);
        provider.shutdown().join(5, TimeUnit.SECONDS); // exports once more; the first record is the flushed one
        assertThat(records).hasSize(1);
        assertThat(TelemetryHeaders.fromKafka(records.get(0).headers()).items()).isEqualTo(2);
        List<Metric> metrics = ExportMetricsServiceRequest.parseFrom(records.get(0).value())
                .getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
        Metric counter = metrics.stream().filter(m -> m.getName().equals("faas.invocations")).findFirst().orElseThrow();
        assertThat(counter.getSum().getDataPoints(0).getAsInt()).isEqualTo(3);
        assertThat(attributes(counter.getSum().getDataPoints(0).getAttributesList())).isEqualTo(Map.of("transport", transport));
        Metric histogram = metrics.stream().filter(m -> m.getName().equals("faas.invoke_duration")).findFirst().orElseThrow();
        assertThat(histogram.getUnit()).isEqualTo("s");
        assertThat(histogram.getHistogram().getDataPoints(0).getCount()).isEqualTo(1);
        assertThat(histogram.getHistogram().getDataPoints(0).getSum()).isEqualTo(0.42);
        assertThat(histogram.getHistogram().getDataPoints(0).getBucketCountsCount())
                .isEqualTo(histogram.getHistogram().getDataPoints(0).getExplicitBoundsCount() + 1);
    }

    // -------------------------------------------------------------------------------------------------------- logs

    void exportAndCheckLogs(LogRecordExporter exporter, String transport) throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.LOGS);
        SdkLoggerProvider provider = SdkLoggerProvider.builder().setResource(resource("logging"))
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build();
        SpanContext sc = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getSampled(), TraceState.getDefault());
        provider.get("io.fnscope.it").logRecordBuilder()
                .setBody("order 42 placed over " + transport)
                .setSeverity(Severity.WARN).setSeverityText("WARN")
                .setAttribute(AttributeKey.stringKey("order.id"), "42")
                .setContext(Context.root().with(io.opentelemetry.api.trace.Span.wrap(sc)))
                .setTimestamp(TestObjects.NOW_NANOS, TimeUnit.NANOSECONDS)
                .emit();
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        provider.shutdown().join(5, TimeUnit.SECONDS);

        List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 1);
        assertThat(records).hasSize(1);
        LogRecord log = ExportLogsServiceRequest.parseFrom(records.get(0).value())
                .getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
        assertThat(log.getBody().getStringValue()).isEqualTo("order 42 placed over " + transport);
        assertThat(log.getSeverityNumberValue()).isEqualTo(Severity.WARN.getSeverityNumber());
        assertThat(log.getSeverityText()).isEqualTo("WARN");
        assertThat(log.getTimeUnixNano()).isEqualTo(TestObjects.NOW_NANOS);
        assertThat(hex(log.getTraceId().toByteArray())).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(hex(log.getSpanId().toByteArray())).isEqualTo("b7ad6b7169203331");
        assertThat(attributes(log.getAttributesList())).isEqualTo(Map.of("order.id", "42"));
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Stored attributes as plain Java values, for comparison with the SDK's. */
    static Map<String, Object> attributes(List<KeyValue> kvs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            m.put(kv.getKey(), value(kv.getValue()));
        }
        return m;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(ITOtelJavaSdk::value).toList();
            default -> v.toString();
        };
    }

    static Map<String, Object> expected(Attributes attributes) {
        Map<String, Object> m = new LinkedHashMap<>();
        attributes.forEach((k, v) -> m.put(k.getKey(), v));
        return m;
    }
}
