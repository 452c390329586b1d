package io.fnscope.writer;

import com.google.protobuf.ByteString;
import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.InsertOptions;
import io.fnscope.clickhouse.Migrations;
import io.fnscope.clickhouse.RetentionSettings;
import io.fnscope.clickhouse.SharedClickHouse;
import io.fnscope.clickhouse.TelemetrySchema;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.cost.PricingCatalog;
import io.fnscope.pipeline.lambda.LambdaPlatformCodec;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.fnscope.writer.TestObjects.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row conversion against the real engine: OTLP and Lambda platform records are encoded by the writer's row
 * classes, inserted into the migrated schema, and read back field by field (the consumer loop is not involved).
 */
class ITRows {
    static ClickHouse ch;
    static InvocationPricer pricer = new InvocationPricer(PricingCatalog.load(null));
    static String db;

    @BeforeAll
    static void schema() {
        ch = SharedClickHouse.newDatabase("rows");
        db = ch.database();
        new Migrations(ch, List.of(TelemetrySchema.migrations(RetentionSettings.defaults(), 1000))).apply();
    }

    @AfterAll
    static void close() {
        ch.close();
    }

    static void insert(TableBuffer b) {
        ch.insert(b.table.tableName(), b.wireColumns(), b.body(), InsertOptions.NONE.withFormat(InsertOptions.Format.NATIVE));
    }

    @Test
    void theTablesHaveTheColumnsTheEncodersWrite() {
        SchemaCheck.verify(ch);
    }

    @Test
    void aSpanKeepsEveryField() throws IOException {
        ByteString trace = traceId();
        ByteString parent = spanId();
        ByteString linkedTrace = traceId();
        ByteString linkedSpan = spanId();
        Span span = Span.newBuilder()
                .setTraceId(trace).setSpanId(spanId()).setParentSpanId(parent)
                .setTraceState("vendor=abc").setFlags(0x301)
                .setName("GET /orders/{id}").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(T0_NANOS + 123_456_789L).setEndTimeUnixNano(T0_NANOS + 123_456_789L + 42_000_001L)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
                .addAttributes(attr("http.request.method", "GET"))
                .addAttributes(attr("http.response.status_code", 503L))
                .addAttributes(attr("ratio", 0.1))
                .addAttributes(attr("retry", true))
                .addAttributes(KeyValue.newBuilder().setKey("blob").setValue(AnyValue.newBuilder()
                        .setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3, (byte) 0xFF}))))
                .addAttributes(KeyValue.newBuilder().setKey("tags").setValue(AnyValue.newBuilder().setArrayValue(
                        ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("a\"b"))
                                .addValues(AnyValue.newBuilder().setIntValue(7))
                                .addValues(AnyValue.newBuilder().setDoubleValue(Double.NaN)))))
                .addAttributes(KeyValue.newBuilder().setKey("nested").setValue(AnyValue.newBuilder().setKvlistValue(
                        KeyValueList.newBuilder().addValues(attr("k", true)).addValues(attr("n", 1.5)))))
                .addAttributes(attr("faas.invocation_id", "req-1"))
                .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(T0_NANOS + 200_000_000L)
                        .addAttributes(attr("exception.message", "timeout")))
                .addLinks(Span.Link.newBuilder().setTraceId(linkedTrace).setSpanId(linkedSpan).setTraceState("x=1")
                        .addAttributes(attr("messaging.message.id", "m-1")))
                .setDroppedAttributesCount(3).setDroppedEventsCount(4).setDroppedLinksCount(5)
                .build();
        TableBuffer.Spans spans = new TableBuffer.Spans();
        TableBuffer.Invocations invocations = new TableBuffer.Invocations();
        TableBuffer.EdgeCalls edges = new TableBuffer.EdgeCalls();
        spans.begin(0);
        invocations.begin(0);
        edges.begin(0);
        new TraceRows(pricer).write("acme", request(lambdaResource("orders", "us-east-1", "amd64", 1024), span), spans,
                invocations, edges);
        spans.commit();
        invocations.commit();
        edges.commit();
        assertThat(spans.rows()).isEqualTo(1);
        assertThat(invocations.rows()).isZero(); // a CLIENT span is no invocation
        assertThat(edges.rows()).isZero(); // nor an edge: no peer attribute names what it called
        insert(spans);

        Map<String, Object> row = ch.query("SELECT tenant, hex(trace_id) AS t, hex(parent_span_id) AS p, trace_state, flags, "
                        + "name, toString(kind) AS k, toUnixTimestamp64Nano(start_time) AS st, duration_ns, "
                        + "toString(status_code) AS sc, status_message, service, function, invocation_id, scope_name, "
                        + "scope_version, resource_attributes, resource_attribute_types, attributes, attribute_types, "
                        + "arrayMap(t -> toUnixTimestamp64Nano(t), events_time) AS et, events_name, events_attributes, "
                        + "arrayMap(x -> hex(x), links_trace_id) AS lt, arrayMap(x -> hex(x), links_span_id) AS ls, "
                        + "links_trace_state, links_attributes, dropped_attributes_count, dropped_events_count, "
                        + "dropped_links_count FROM " + db + ".spans WHERE trace_id = unhex({t:String})",
                Map.of("t", hex(trace)), r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (String c : r.columns()) {
                        m.put(c, r.type(c).startsWith("Array") ? r.getList(c) : r.getObject(c));
                    }
                    return m;
                }).getFirst();
        assertThat(row.get("tenant")).isEqualTo("acme");
        assertThat(row.get("t")).isEqualTo(hex(trace));
        assertThat(row.get("p")).isEqualTo(hex(parent));
        assertThat(row.get("trace_state")).isEqualTo("vendor=abc");
        assertThat(((Number) row.get("flags")).longValue()).isEqualTo(0x301);
        assertThat(row.get("name")).isEqualTo("GET /orders/{id}");
        assertThat(row.get("k")).isEqualTo("client");
        assertThat(((Number) row.get("st")).longValue()).isEqualTo(T0_NANOS + 123_456_789L);
        assertThat(((Number) row.get("duration_ns")).longValue()).isEqualTo(42_000_001L);
        assertThat(row.get("sc")).isEqualTo("error");
        assertThat(row.get("status_message")).isEqualTo("boom");
        assertThat(row.get("service")).isEqualTo("orders");
        assertThat(row.get("function")).isEqualTo("orders");
        assertThat(row.get("invocation_id")).isEqualTo("req-1");
        assertThat(row.get("scope_name")).isEqualTo("io.opentelemetry.aws-lambda");
        assertThat(row.get("scope_version")).isEqualTo("2.10.0");
        assertThat((Map<String, String>) row.get("resource_attributes")).containsEntry("faas.max_memory", "1073741824")
                .containsEntry("cloud.region", "us-east-1").containsEntry("host.arch", "amd64").hasSize(11);
        assertThat(((Map<?, ?>) row.get("resource_attribute_types")).toString()).isEqualTo("{faas.max_memory=int}");
        assertThat((Map<String, String>) row.get("attributes"))
                .containsEntry("http.request.method", "GET")
                .containsEntry("http.response.status_code", "503")
                .containsEntry("ratio", "0.1")
                .containsEntry("retry", "true")
                .containsEntry("blob", "AQID/w==")
                .containsEntry("tags", "[\"a\\\"b\",7,\"NaN\"]")
                .containsEntry("nested", "{\"k\":true,\"n\":1.5}")
                .containsEntry("faas.invocation_id", "req-1");
        assertThat(((Map<?, ?>) row.get("attribute_types")).toString())
                .isEqualTo("{http.response.status_code=int, ratio=double, retry=bool, blob=bytes, tags=array, nested=kvlist}");
        assertThat(row.get("et").toString()).isEqualTo("[" + (T0_NANOS + 200_000_000L) + "]");
        assertThat(row.get("events_name").toString()).isEqualTo("[exception]");
        assertThat(row.get("events_attributes").toString()).isEqualTo("[{exception.message=timeout}]");
        assertThat(row.get("lt").toString()).isEqualTo("[" + hex(linkedTrace) + "]");
        assertThat(row.get("ls").toString()).isEqualTo("[" + hex(linkedSpan) + "]");
        assertThat(row.get("links_trace_state").toString()).isEqualTo("[x=1]");
        assertThat(row.get("links_attributes").toString()).isEqualTo("[{messaging.message.id=m-1}]");
        assertThat(((Number) row.get("dropped_attributes_count")).intValue()).isEqualTo(3);
        assertThat(((Number) row.get("dropped_events_count")).intValue()).isEqualTo(4);
        assertThat(((Number) row.get("dropped_links_count")).intValue()).isEqualTo(5);

        // The materialized views saw it: the trace index and the link index.
        assertThat(ch.query("SELECT spans FROM " + db + ".trace_index WHERE trace_id = unhex({t:String})",
                Map.of("t", hex(trace)), r -> r.getLong("spans"))).containsExactly(1L);
        assertThat(ch.query("SELECT hex(trace_id) AS t FROM " + db + ".span_links WHERE linked_trace_id = unhex({t:String})",
                Map.of("t", hex(linkedTrace)), r -> r.getString("t"))).containsExactly(hex(trace));
    }

    @Test
    void aLambdaServerSpanIsAnInvocationPricedFromItsDuration() throws IOException {
        ByteString trace = traceId();
        String function = "checkout-" + UUID.randomUUID();
        Span entry = serverSpan(trace, "POST /checkout", T0_NANOS, 120)
                .addAttributes(attr("faas.invocation_id", "req-span-only"))
                .addAttributes(attr("faas.trigger", "http"))
                .addAttributes(attr("faas.coldstart", true))
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
                .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(T0_NANOS + 1)
                        .addAttributes(attr("exception.type", "java.lang.IllegalStateException"))
                        .addAttributes(attr("exception.message", "card declined")))
                .build();
        Span child = Span.newBuilder().setTraceId(trace).setSpanId(spanId()).setParentSpanId(entry.getSpanId())
                .setName("DynamoDB.PutItem").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(T0_NANOS + 1_000_000).setEndTimeUnixNano(T0_NANOS + 9_000_000).build();
        writeTraces(request(lambdaResource(function, "us-east-1", "amd64", 1024), entry, child));

        Map<String, Object> inv = invocation(function, "req-span-only");
        assertThat(inv.get("start")).isEqualTo(T0_NANOS);
        assertThat(inv.get("provider")).isEqualTo("aws");
        assertThat(inv.get("region")).isEqualTo("us-east-1");
        assertThat(inv.get("architecture")).isEqualTo("x86_64");
        assertThat(inv.get("function_version")).isEqualTo("$LATEST");
        assertThat(inv.get("service")).isEqualTo(function);
        assertThat(inv.get("trigger")).isEqualTo("http");
        assertThat(inv.get("route")).isEqualTo("POST /checkout");
        assertThat(inv.get("trace")).isEqualTo(hex(trace));
        assertThat(inv.get("span")).isEqualTo(hex(entry.getSpanId()));
        assertThat(inv.get("memory_mb")).isEqualTo(1024L);
        assertThat(inv.get("span_duration_ns")).isEqualTo(120_000_000L);
        assertThat(inv.get("duration_ms")).isNull();
        assertThat(inv.get("billed_duration_ms")).isNull();
        assertThat(inv.get("cold_start")).isEqualTo(1L);
        assertThat(inv.get("status")).isEqualTo("error");
        assertThat(inv.get("error_message")).isEqualTo("card declined");
        // $0.20 per million + 1 GB x 0.120 s x $0.0000166667 per GB-s (x86_64, us-east-1) = $0.000002200004.
        assertThat(inv.get("cost_estimate_usd")).isEqualTo(new BigDecimal("0.000002200004"));
        assertThat(inv.get("cost_exact_usd")).isNull();
        assertThat(inv.get("cost_flags")).isEqualTo(1L); // DURATION_FROM_SPAN
        assertThat(inv.get("catalog_version")).isEqualTo("2026.11.0");
        assertThat(inv.get("has_span")).isEqualTo(1L);
        assertThat(inv.get("has_report")).isEqualTo(0L);
    }

    @Test
    void theServiceMapEdgesOfTheSpansReachEdgesMinute() throws IOException {
        ByteString trace = traceId();
        String function = "orders-" + UUID.randomUUID();
        long t = T0_NANOS + 59_000_000_000L; // the last second of T0's minute
        Span entry = serverSpan(trace, "orders process", t, 50).setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
                .addAttributes(attr("messaging.system", "aws_sqs"))
                .addAttributes(attr("messaging.destination.name", "orders")).build();
        Span dynamo = Span.newBuilder().setTraceId(trace).setSpanId(spanId()).setParentSpanId(entry.getSpanId())
                .setName("DynamoDB.PutItem").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
                .addAttributes(attr("db.system", "dynamodb"))
                .addAttributes(attr("server.address", "dynamodb.us-east-1.amazonaws.com"))
                .setStartTimeUnixNano(t + 1_000_000_000L).setEndTimeUnixNano(t + 1_012_500_000L).build(); // next minute
        Span api = Span.newBuilder().setTraceId(trace).setSpanId(spanId()).setParentSpanId(entry.getSpanId())
                .setName("POST").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .addAttributes(attr("url.full", "https://payments.example.net/v2/charges"))
                .addAttributes(attr("server.port", 443L))
                .setStartTimeUnixNano(t + 2_000_000_000L).setEndTimeUnixNano(t + 2_020_000_000L).build();
        Span internal = Span.newBuilder().setTraceId(trace).setSpanId(spanId()).setParentSpanId(entry.getSpanId())
                .setName("validate").setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                .addAttributes(attr("db.system", "dynamodb"))
                .setStartTimeUnixNano(t).setEndTimeUnixNano(t + 1_000_000L).build();
        writeTraces(request(lambdaResource(function, "us-east-1", "amd64", 1024), entry, dynamo, api, internal));

        List<String> edges = ch.query("SELECT toUnixTimestamp(minute) AS m, source_type, source, target_type, target,"
                        + " sum(calls) AS c, sum(errors) AS e, sum(duration_ms_sum) AS ms FROM " + db + ".edges_minute"
                        + " WHERE tenant = 'acme' AND (source = {f:String} OR target = {f:String})"
                        + " GROUP BY minute, source_type, source, target_type, target ORDER BY minute, target",
                Map.of("f", function), r -> (r.getLong("m") - T0.getEpochSecond()) + "s " + r.getString("source_type") + ":"
                        + r.getString("source").replace(function, "F") + " -> " + r.getString("target_type") + ":"
                        + r.getString("target").replace(function, "F") + " " + r.getLong("c") + "/" + r.getLong("e")
                        + " " + r.getDouble("ms"));
        assertThat(edges).containsExactly(
                "0s queue:aws_sqs:orders -> function:F 1/0 50.0",
                "60s function:F -> database:dynamodb:dynamodb.us-east-1.amazonaws.com 1/1 12.5",
                "60s function:F -> external:payments.example.net 1/0 20.0");
    }

    @Test
    void aReportIsAnInvocationPricedFromItsBilledDuration() throws IOException {
        String function = "report-" + UUID.randomUUID();
        var fn = new io.fnscope.pipeline.lambda.LambdaFunction(function, "7", "us-east-1", "arm64", 512, "123456789012", "ls");
        writePlatform(platform(fn,
                start(T0, "req-warm", "1-5759e988-bd862e3fe1be46a994272793"),
                runtimeDone(T0.plusMillis(59), "req-warm", "success", 59.2),
                report(T0.plusMillis(60), "req-warm", "success", 59.81, 60, 512, 87, null),
                // A cold start whose billed duration covers duration + init: init is not added again.
                report(T0.plusSeconds(1), "req-cold", "timeout", 59.81, 409, 512, 90, 348.51),
                // Only the start so far: a partial row, ignored by the roll-up until its report comes.
                start(T0.plusSeconds(2), "req-partial", null)));

        Map<String, Object> warm = invocation(function, "req-warm");
        assertThat(warm.get("start")).isEqualTo(T0_NANOS);
        assertThat(warm.get("provider")).isEqualTo("aws");
        assertThat(warm.get("architecture")).isEqualTo("arm64");
        assertThat(warm.get("function_version")).isEqualTo("7");
        assertThat(warm.get("trace")).isEqualTo("5759E988BD862E3FE1BE46A994272793");
        assertThat(warm.get("memory_mb")).isEqualTo(512L);
        assertThat(warm.get("duration_ms")).isEqualTo(59.81);
        assertThat(warm.get("billed_duration_ms")).isEqualTo(60L);
        assertThat(warm.get("init_duration_ms")).isNull();
        assertThat(warm.get("max_memory_used_mb")).isEqualTo(87L);
        assertThat(warm.get("cold_start")).isEqualTo(0L);
        assertThat(warm.get("status")).isEqualTo("ok");
        // $0.20 per million + 0.5 GB x 0.060 s x $0.0000133334 per GB-s (arm64) = $0.000000600002.
        assertThat(warm.get("cost_exact_usd")).isEqualTo(new BigDecimal("0.000000600002"));
        assertThat(warm.get("cost_estimate_usd")).isNull();
        assertThat(warm.get("cost_flags")).isEqualTo(0L);
        assertThat(warm.get("has_report")).isEqualTo(1L);
        assertThat(warm.get("has_span")).isEqualTo(0L);

        Map<String, Object> cold = invocation(function, "req-cold");
        // No platform.start in the batch: the report's time minus its duration.
        assertThat(cold.get("start")).isEqualTo(T0_NANOS + 1_000_000_000L - 59_810_000L);
        assertThat(cold.get("init_duration_ms")).isEqualTo(348.51);
        assertThat(cold.get("cold_start")).isEqualTo(1L);
        assertThat(cold.get("status")).isEqualTo("timeout");
        // 409 billed ms = 349 init + 60 duration, each at 0.5 GB x $0.0000133334: $0.0000002 + 409 x 6.6667e-9.
        assertThat(cold.get("cost_exact_usd")).isEqualTo(new BigDecimal("0.000002926680"));

        Map<String, Object> partial = invocation(function, "req-partial");
        assertThat(partial.get("has_report")).isEqualTo(0L);
        assertThat(partial.get("has_span")).isEqualTo(0L);
        assertThat(partial.get("status")).isEqualTo("unknown");

        assertThat(ch.query("SELECT type, request_id, region, log_stream, record FROM " + db
                        + ".lambda_platform_events WHERE function = {f:String} ORDER BY time, type",
                Map.of("f", function), r -> r.getString("type") + "|" + r.getString("request_id") + "|"
                        + r.getString("region") + "|" + r.getString("log_stream") + "|" + r.getString("record")))
                .hasSize(5)
                .first().isEqualTo("platform.start|req-warm|us-east-1|ls|{\"requestId\":\"req-warm\",\"version\":\"$LATEST\","
                        + "\"tracing\":{\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=1-5759e988-bd862e3fe1be46a994272793;"
                        + "Parent=53995c3f42cd8ad8;Sampled=1\"}}");
        // The roll-up counts the two reports, not the partial row.
        assertThat(ch.query("SELECT sum(invocations) AS n, sum(cold_starts) AS c, sum(timeouts) AS t, sum(cost_usd) AS usd FROM "
                        + db + ".function_minute WHERE function = {f:String} AND source = 'report'",
                Map.of("f", function), r -> r.getLong("n") + " " + r.getLong("c") + " " + r.getLong("t") + " "
                        + r.getBigDecimal("usd").toPlainString())).containsExactly("2 1 1 0.000003526682");
    }

    @Test
    void spanAndReportHalvesMergeIntoOneInvocation() throws IOException {
        String function = "both-" + UUID.randomUUID();
        ByteString trace = ByteString.copyFrom(java.util.HexFormat.of().parseHex("5759e988bd862e3fe1be46a994272793"));
        writeTraces(request(lambdaResource(function, "us-east-1", "arm64", 512),
                serverSpan(trace, "orders-consumer", T0_NANOS + 2_000_000, 56)
                        .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
                        .addAttributes(attr("faas.invocation_id", "req-both"))
                        .addAttributes(attr("faas.trigger", "pubsub")).build()));
        writePlatform(platform(new io.fnscope.pipeline.lambda.LambdaFunction(function, "$LATEST", "us-east-1", "arm64",
                        512, null, null),
                start(T0, "req-both", "1-5759e988-bd862e3fe1be46a994272793"),
                report(T0.plusMillis(60), "req-both", "error", 59.81, 60, 512, 87, null)));

        Map<String, Object> inv = invocation(function, "req-both");
        assertThat(inv.get("start")).isEqualTo(T0_NANOS); // min of the halves
        assertThat(inv.get("trigger")).isEqualTo("pubsub");
        assertThat(inv.get("span_duration_ns")).isEqualTo(56_000_000L);
        assertThat(inv.get("duration_ms")).isEqualTo(59.81);
        assertThat(inv.get("status")).isEqualTo("error");
        // The span prices 56 ms as an estimate; the report prices the billed 60 ms exactly.
        assertThat(inv.get("cost_estimate_usd")).isEqualTo(new BigDecimal("0.000000573335"));
        assertThat(inv.get("cost_exact_usd")).isEqualTo(new BigDecimal("0.000000600002"));
        assertThat(inv.get("has_span")).isEqualTo(1L);
        assertThat(inv.get("has_report")).isEqualTo(1L);
        assertThat(inv.get("trace")).isEqualTo("5759E988BD862E3FE1BE46A994272793");
        assertThat(ch.query("SELECT count() AS n FROM (SELECT invocation_id FROM " + db
                        + ".invocations WHERE function = {f:String} GROUP BY invocation_id)", Map.of("f", function),
                r -> r.getLong("n"))).containsExactly(1L);
    }

    @Test
    void entrySpansWithoutAnInvocationIdAreInvocationsKeyedBySpanId() throws IOException {
        String function = "entry-" + UUID.randomUUID();
        ByteString trace = traceId();
        Span root = serverSpan(trace, "handler", T0_NANOS, 10).build();
        // Remote parent, said by the OTLP flags: an entry.
        Span remoteChild = serverSpan(trace, "handler", T0_NANOS, 10).setParentSpanId(spanId()).setFlags(0x300).build();
        // Local parent (flags say not remote): not an entry.
        Span localChild = serverSpan(trace, "inner", T0_NANOS, 5).setParentSpanId(root.getSpanId()).setFlags(0x100).build();
        // No flags, parent in the same resource: not an entry; parent elsewhere: an entry.
        Span sameResource = serverSpan(trace, "inner2", T0_NANOS, 5).setParentSpanId(root.getSpanId()).build();
        Span elsewhere = serverSpan(trace, "handler", T0_NANOS, 10).setParentSpanId(spanId()).build();
        writeTraces(request(lambdaResource(function, "us-east-1", "arm64", 512), root, remoteChild, localChild,
                sameResource, elsewhere));
        // A plain service (no faas.name, no function platform) has no invocations.
        writeTraces(request(serviceResource("web-" + function), serverSpan(trace, "GET /", T0_NANOS, 3).build()));

        assertThat(ch.query("SELECT invocation_id FROM " + db + ".invocations WHERE function = {f:String} ORDER BY invocation_id",
                Map.of("f", function), r -> r.getString("invocation_id")))
                .containsExactlyInAnyOrder(Ids.hex(root.getSpanId()), Ids.hex(remoteChild.getSpanId()),
                        Ids.hex(elsewhere.getSpanId()));
        assertThat(ch.query("SELECT count() AS n FROM " + db + ".invocations WHERE service = {s:String}",
                Map.of("s", "web-" + function), r -> r.getLong("n"))).containsExactly(0L);
    }

    @Test
    void metricPointsOfEveryType() throws IOException {
        String service = "metrics-" + UUID.randomUUID();
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(lambdaResource(service, "us-east-1", "arm64", 256))
                .addScopeMetrics(ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName("meter"))
                        .addMetrics(Metric.newBuilder().setName("queue.depth").setUnit("1").setDescription("d")
                                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                                        .setTimeUnixNano(T0_NANOS).setAsInt(7).addAttributes(attr("queue", "q1")))))
                        .addMetrics(Metric.newBuilder().setName("faas.invocations").setSum(Sum.newBuilder()
                                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                                .setIsMonotonic(true).addDataPoints(NumberDataPoint.newBuilder()
                                        .setStartTimeUnixNano(T0_NANOS - 60_000_000_000L).setTimeUnixNano(T0_NANOS).setAsDouble(12.5))))
                        .addMetrics(Metric.newBuilder().setName("faas.invoke_duration").setUnit("s").setHistogram(Histogram.newBuilder()
                                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                                .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setCount(3)
                                        .setSum(0.6).setMin(0.1).setMax(0.3).addBucketCounts(1).addBucketCounts(2)
                                        .addExplicitBounds(0.2))))
                        .addMetrics(Metric.newBuilder().setName("latency.exp").setExponentialHistogram(ExponentialHistogram.newBuilder()
                                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)
                                        .setCount(4).setSum(10).setScale(3).setZeroCount(1)
                                        .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(-2)
                                                .addBucketCounts(2).addBucketCounts(1)))))
                        .addMetrics(Metric.newBuilder().setName("legacy.summary").setSummary(Summary.newBuilder()
                                .addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setCount(10).setSum(55)
                                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(5))
                                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(9)))))))
                .build();
        TableBuffer.MetricPoints points = new TableBuffer.MetricPoints();
        points.begin(0);
        assertThat(new MetricRows().write("acme", req, points)).isEqualTo(5);
        points.commit();
        insert(points);
        List<String> rows = ch.query("SELECT metric_name, toString(metric_type) AS t, unit, description, function, "
                        + "toString(temporality) AS tm, is_monotonic, value, count, sum, min, max, bucket_counts, "
                        + "explicit_bounds, exp_scale, exp_zero_count, exp_positive_offset, exp_positive_counts, quantiles, "
                        + "quantile_values, scope_name, attributes, resource_attributes['cloud.region'] AS region FROM "
                        + db + ".metric_points WHERE service = {s:String} ORDER BY metric_name",
                Map.of("s", service), r -> String.join("|", r.getString("metric_name"), r.getString("t"),
                        r.getString("unit"), r.getString("description"), r.getString("function"), r.getString("tm"),
                        "" + r.getLong("is_monotonic"), "" + r.getDouble("value"), "" + r.getLong("count"),
                        "" + r.getDouble("sum"), r.isNull("min") ? "null" : "" + r.getDouble("min"),
                        r.isNull("max") ? "null" : "" + r.getDouble("max"), "" + r.getList("bucket_counts"),
                        "" + r.getList("explicit_bounds"), "" + r.getInt("exp_scale"), "" + r.getLong("exp_zero_count"),
                        "" + r.getInt("exp_positive_offset"), "" + r.getList("exp_positive_counts"),
                        "" + r.getList("quantiles"), "" + r.getList("quantile_values"), r.getString("scope_name"),
                        "" + r.getMap("attributes"), r.getString("region")));
        assertThat(rows).containsExactly(
                "faas.invocations|sum|||" + service + "|delta|1|12.5|0|0.0|null|null|[]|[]|0|0|0|[]|[]|[]|meter|{}|us-east-1",
                "faas.invoke_duration|histogram|s||" + service + "|cumulative|0|0.0|3|0.6|0.1|0.3|[1, 2]|[0.2]|0|0|0|[]|[]|[]|meter|{}|us-east-1",
                "latency.exp|exponential_histogram|||" + service + "|delta|0|0.0|4|10.0|null|null|[]|[]|3|1|-2|[2, 1]|[]|[]|meter|{}|us-east-1",
                "legacy.summary|summary|||" + service + "|unspecified|0|0.0|10|55.0|null|null|[]|[]|0|0|0|[]|[0.5, 0.99]|[5.0, 9.0]|meter|{}|us-east-1",
                "queue.depth|gauge|1|d|" + service + "|unspecified|0|7.0|0|0.0|null|null|[]|[]|0|0|0|[]|[]|[]|meter|{queue=q1}|us-east-1");
    }

    @Test
    void logRecordsWithTheirTrace() throws IOException {
        String service = "logs-" + UUID.randomUUID();
        ByteString trace = traceId();
        ByteString span = spanId();
        ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(serviceResource(service))
                .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("logger"))
                        .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(T0_NANOS).setObservedTimeUnixNano(T0_NANOS + 5)
                                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR).setSeverityText("ERROR")
                                .setBody(AnyValue.newBuilder().setStringValue("payment failed"))
                                .setTraceId(trace).setSpanId(span).setFlags(1).setEventName("payment.failed")
                                .addAttributes(attr("order", 42L)))
                        .addLogRecords(LogRecord.newBuilder().setObservedTimeUnixNano(T0_NANOS + 7)
                                .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                                        .addValues(attr("msg", "structured")))))))
                .build();
        TableBuffer.Logs logs = new TableBuffer.Logs();
        logs.begin(0);
        assertThat(new LogRows().write("acme", req, logs)).isEqualTo(2);
        logs.commit();
        insert(logs);
        List<String> rows = ch.query("SELECT toUnixTimestamp64Nano(time) AS t, toUnixTimestamp64Nano(observed_time) AS o, "
                        + "severity_number, severity_text, body, hex(trace_id) AS tr, hex(span_id) AS sp, flags, event_name, "
                        + "scope_name, attributes FROM " + db + ".logs WHERE service = {s:String} ORDER BY time",
                Map.of("s", service), r -> String.join("|", "" + r.getLong("t"), "" + r.getLong("o"),
                        "" + r.getInt("severity_number"), r.getString("severity_text"), r.getString("body"),
                        r.getString("tr"), r.getString("sp"), "" + r.getLong("flags"), r.getString("event_name"),
                        r.getString("scope_name"), "" + r.getMap("attributes")));
        assertThat(rows).containsExactly(
                T0_NANOS + "|" + (T0_NANOS + 5) + "|17|ERROR|payment failed|" + hex(trace) + "|" + hex(span)
                        + "|1|payment.failed|logger|{order=42}",
                (T0_NANOS + 7) + "|" + (T0_NANOS + 7) + "|0||{\"msg\":\"structured\"}|" + "0".repeat(32) + "|"
                        + "0".repeat(16) + "|0||logger|{}");
    }

    static void writeTraces(ExportTraceServiceRequest req) throws IOException {
        TableBuffer.Spans spans = new TableBuffer.Spans();
        TableBuffer.Invocations invocations = new TableBuffer.Invocations();
        TableBuffer.EdgeCalls edges = new TableBuffer.EdgeCalls();
        spans.begin(0);
        invocations.begin(0);
        edges.begin(0);
        new TraceRows(pricer).write("acme", req, spans, invocations, edges);
        spans.commit();
        invocations.commit();
        edges.commit();
        insert(spans);
        if (!invocations.isEmpty()) {
            insert(invocations);
        }
        if (!edges.isEmpty()) {
            insert(edges);
        }
    }

    static void writePlatform(byte[] json) throws IOException {
        TableBuffer.PlatformEvents events = new TableBuffer.PlatformEvents();
        TableBuffer.Invocations invocations = new TableBuffer.Invocations();
        events.begin(0);
        invocations.begin(0);
        new PlatformRows(pricer).write("acme", LambdaPlatformCodec.read(json), events, invocations);
        events.commit();
        invocations.commit();
        insert(events);
        insert(invocations);
    }

    /** The merged invocation, as readers see it (GROUP BY the key). */
    static Map<String, Object> invocation(String function, String id) {
        return ch.query("SELECT toUnixTimestamp64Nano(min(start_time)) AS start, max(provider) AS provider, "
                        + "max(region) AS region, max(architecture) AS architecture, max(function_version) AS function_version, "
                        + "max(service) AS service, max(trigger) AS trigger, max(route) AS route, hex(max(trace_id)) AS trace, "
                        + "hex(max(span_id)) AS span, max(memory_mb) AS memory_mb, max(span_duration_ns) AS span_duration_ns, "
                        + "max(duration_ms) AS duration_ms, max(billed_duration_ms) AS billed_duration_ms, "
                        + "max(init_duration_ms) AS init_duration_ms, max(cold_start) AS cold_start, toString(max(status)) AS status, "
                        + "max(error_message) AS error_message, max(max_memory_used_mb) AS max_memory_used_mb, "
                        + "max(cost_estimate_usd) AS cost_estimate_usd, max(cost_exact_usd) AS cost_exact_usd, "
                        + "groupBitOr(cost_flags) AS cost_flags, max(catalog_version) AS catalog_version, "
                        + "max(has_span) AS has_span, max(has_report) AS has_report FROM " + db + ".invocations "
                        + "WHERE tenant = 'acme' AND function = {f:String} AND invocation_id = {i:String} "
                        + "GROUP BY tenant, function, invocation_id",
                Map.of("f", function, "i", id), r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (String c : r.columns()) {
                        Object v = r.getObject(c);
                        m.put(c, v instanceof Number n && !(v instanceof Double) && !(v instanceof BigDecimal)
                                ? (Object) n.longValue() : v);
                    }
                    return m;
                }).getFirst();
    }
}
