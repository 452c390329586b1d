package io.fnscope.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.kafka.KafkaCluster;
import io.micronaut.context.ApplicationContext;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end with real parts only: the OTel Java SDK exports over OTLP/HTTP to the all-in-one's collector, which
 * writes to its embedded Kafka broker, which the writer drains into the embedded ClickHouse engine; rows are read
 * back field by field. Also: a restart on the same data directory keeps the data and writes nothing twice, and
 * shutdown closes the writer, then ClickHouse, then Kafka.
 */
class ITAllInOne {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** What the SDK sent for one invocation. */
    record Sent(String function, String requestId, String traceId, String serverSpanId, String clientSpanId,
                Instant start) {
    }

    static Resource lambda(String function) {
        return Resource.create(Attributes.builder()
                .put("service.name", function)
                .put("faas.name", function)
                .put("faas.version", "$LATEST")
                .put("faas.max_memory", 536_870_912L)
                .put("cloud.provider", "aws")
                .put("cloud.platform", "aws_lambda")
                .put("cloud.region", "us-east-1")
                .put("host.arch", "arm64")
                .build());
    }

    /** One Lambda invocation as the OTel Java SDK reports it: server span, DynamoDB call, a log line, a counter. */
    static Sent sendInvocation(AllInOne app, String function) {
        Resource resource = lambda(function);
        String requestId = UUID.randomUUID().toString();
        Instant start = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        SdkTracerProvider traces = SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
                        .setEndpoint(app.otlpHttp("/v1/traces")).addHeader("Authorization", "Bearer " + AllInOne.KEY).build()))
                .build();
        SdkLoggerProvider logs = SdkLoggerProvider.builder().setResource(resource)
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(app.otlpHttp("/v1/logs")).addHeader("Authorization", "Bearer " + AllInOne.KEY).build()))
                .build();
        SdkMeterProvider metrics = SdkMeterProvider.builder().setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                        .setEndpoint(app.otlpHttp("/v1/metrics")).addHeader("Authorization", "Bearer " + AllInOne.KEY).build())
                        .setInterval(Duration.ofHours(1)).build())
                .build();
        Tracer tracer = traces.get("io.opentelemetry.aws-lambda-events-2.2", "2.10.0");
        Logger logger = logs.get("io.fnscope.it");
        Span server = tracer.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).setStartTimestamp(start)
                .setAttribute("faas.invocation_id", requestId)
                .setAttribute("faas.trigger", "http")
                .setAttribute("faas.coldstart", false)
                .setAttribute("http.route", "/orders")
                .setAttribute("http.response.status_code", 201L)
                .startSpan();
        Span client;
        try (Scope ignored = server.makeCurrent()) {
            client = tracer.spanBuilder("DynamoDB.PutItem").setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(start.plusMillis(10))
                    .setAttribute("db.system", "dynamodb").setAttribute("rpc.service", "DynamoDB")
                    .startSpan();
            client.setStatus(StatusCode.ERROR, "throttled");
            client.end(start.plusMillis(40));
            logger.logRecordBuilder().setSeverity(Severity.INFO).setSeverityText("INFO").setBody("order placed")
                    .setContext(Context.current()).setTimestamp(start.plusMillis(50)).emit();
        }
        server.end(start.plusMillis(120));
        metrics.get("io.fnscope.it").counterBuilder("orders.placed").build().add(3);
        assertThat(traces.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(logs.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(metrics.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        traces.shutdown().join(10, TimeUnit.SECONDS);
        logs.shutdown().join(10, TimeUnit.SECONDS);
        metrics.shutdown().join(10, TimeUnit.SECONDS);
        return new Sent(function, requestId, server.getSpanContext().getTraceId(), server.getSpanContext().getSpanId(),
                client.getSpanContext().getSpanId(), start);
    }

    /** The Lambda extension's forward of the same invocation's platform events. */
    static void sendPlatformEvents(AllInOne app, Sent s) {
        String root = "1-" + s.traceId().substring(0, 8) + "-" + s.traceId().substring(8);
        String body = """
                [{"time":"%s","type":"platform.start","record":{"requestId":"%s","version":"$LATEST",
                  "tracing":{"type":"X-Amzn-Trace-Id","value":"Root=%s;Parent=%s;Sampled=1"}}},
                 {"time":"%s","type":"platform.runtimeDone","record":{"requestId":"%s","status":"success",
                  "metrics":{"durationMs":117.9}}},
                 {"time":"%s","type":"platform.report","record":{"requestId":"%s","status":"success",
                  "metrics":{"durationMs":118.3,"billedDurationMs":119,"memorySizeMB":512,"maxMemoryUsedMB":91}}}]
                """.formatted(s.start(), s.requestId(), root, s.serverSpanId(), s.start().plusMillis(119), s.requestId(),
                s.start().plusMillis(121), s.requestId());
        HttpResponse<String> r = app.post("/v1/lambda/telemetry", "application/json", body,
                "X-Fnscope-Function-Name", s.function(), "X-Fnscope-Region", "us-east-1",
                "X-Fnscope-Architecture", "arm64", "X-Fnscope-Memory-Mb", "512");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void telemetryFromTheOtelSdkIsStoredFieldByField() {
        try (AllInOne app = new AllInOne(Map.of()).start()) {
            Sent s = sendInvocation(app, AllInOne.uniqueFunction("checkout"));
            sendPlatformEvents(app, s);
            Map<String, Object> f = Map.of("f", s.function());
            AllInOne.await(() -> app.count("SELECT count() FROM {db}.spans WHERE function = {f:String}", f) == 2
                    && app.count("SELECT count() FROM {db}.logs WHERE function = {f:String}", f) == 1
                    && app.count("SELECT count() FROM {db}.metric_points WHERE function = {f:String}", f) >= 1
                    && app.count("SELECT max(has_report) FROM {db}.invocations WHERE function = {f:String}", f) == 1, TIMEOUT,
                    "spans, log, metric and invocation of " + s.function());

            List<String> spans = app.clickHouse().query("SELECT lower(hex(trace_id)) AS t, lower(hex(span_id)) AS s, "
                            + "lower(hex(parent_span_id)) AS p, name, toString(kind) AS k, toUnixTimestamp64Milli(start_time) AS st, "
                            + "duration_ns, toString(status_code) AS sc, status_message, tenant, service, invocation_id, scope_name, "
                            + "scope_version, attributes['http.route'] AS route, attributes['db.system'] AS db, "
                            + "if(mapContains(attribute_types, 'http.response.status_code'), "
                            + "toString(attribute_types['http.response.status_code']), 'string') AS status_type, "
                            + "resource_attributes['cloud.region'] AS region, resource_attributes['faas.max_memory'] AS memory "
                            + "FROM " + app.database + ".spans WHERE function = {f:String} ORDER BY start_time",
                    f, r -> String.join("|", r.getString("t"), r.getString("s"), r.getString("p"), r.getString("name"),
                            r.getString("k"), "" + r.getLong("st"), "" + r.getLong("duration_ns"), r.getString("sc"),
                            r.getString("status_message"), r.getString("tenant"), r.getString("service"),
                            r.getString("invocation_id"), r.getString("scope_name"), r.getString("scope_version"),
                            r.getString("route"), r.getString("db"), r.getString("status_type"), r.getString("region"),
                            r.getString("memory")));
            long start = s.start().toEpochMilli();
            assertThat(spans).containsExactly(
                    String.join("|", s.traceId(), s.serverSpanId(), "0".repeat(16), "POST /orders", "server", "" + start,
                            "120000000", "unset", "", "acme", s.function(), s.requestId(),
                            "io.opentelemetry.aws-lambda-events-2.2", "2.10.0", "/orders", "", "int", "us-east-1", "536870912"),
                    String.join("|", s.traceId(), s.clientSpanId(), s.serverSpanId(), "DynamoDB.PutItem", "client",
                            "" + (start + 10), "30000000", "error", "throttled", "acme", s.function(), "",
                            "io.opentelemetry.aws-lambda-events-2.2", "2.10.0", "", "dynamodb", "string", "us-east-1", "536870912"));

            // The invocation: the span half and the report half, merged as readers see them.
            Map<String, Object> inv = app.clickHouse().query("SELECT toUnixTimestamp64Milli(min(start_time)) AS st, "
                            + "max(provider) AS provider, max(region) AS region, max(architecture) AS arch, max(trigger) AS trig, "
                            + "max(route) AS route, lower(hex(max(trace_id))) AS t, lower(hex(max(span_id))) AS s, "
                            + "max(memory_mb) AS mem, max(span_duration_ns) AS span_ns, max(duration_ms) AS dur, "
                            + "max(billed_duration_ms) AS billed, max(max_memory_used_mb) AS used, max(cold_start) AS cold, "
                            + "toString(max(status)) AS status, max(cost_estimate_usd) AS estimate, max(cost_exact_usd) AS exact, "
                            + "groupBitOr(cost_flags) AS flags, max(has_span) AS hs, max(has_report) AS hr "
                            + "FROM " + app.database + ".invocations WHERE tenant = 'acme' AND function = {f:String} "
                            + "AND invocation_id = {i:String} GROUP BY tenant, function, invocation_id",
                    Map.of("f", s.function(), "i", s.requestId()), r -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        for (String c : r.columns()) {
                            m.put(c, r.getObject(c) instanceof Number n && !(r.getObject(c) instanceof BigDecimal)
                                    && !(r.getObject(c) instanceof Double) ? n.longValue() : r.getObject(c));
                        }
                        return m;
                    }).getFirst();
            assertThat(inv).containsEntry("st", start).containsEntry("provider", "aws").containsEntry("region", "us-east-1")
                    .containsEntry("arch", "arm64").containsEntry("trig", "http").containsEntry("route", "/orders")
                    .containsEntry("t", s.traceId()).containsEntry("s", s.serverSpanId()).containsEntry("mem", 512L)
                    .containsEntry("span_ns", 120_000_000L).containsEntry("dur", 118.3).containsEntry("billed", 119L)
                    .containsEntry("used", 91L).containsEntry("cold", 0L).containsEntry("status", "ok")
                    .containsEntry("hs", 1L).containsEntry("hr", 1L)
                    // span: $0.20/1M + 0.5 GB x 0.120 s x $0.0000133334 (arm64) = $0.000001000004, flagged DURATION_FROM_SPAN
                    .containsEntry("estimate", new BigDecimal("0.000001000004"))
                    // report: $0.20/1M + 0.5 GB x 0.119 s (billed) x $0.0000133334 = $0.0000009933373, to the pico-dollar
                    .containsEntry("exact", new BigDecimal("0.000000993337"))
                    .containsEntry("flags", 1L);

            String log = app.clickHouse().query("SELECT body, severity_text, lower(hex(trace_id)) AS t, lower(hex(span_id)) AS s "
                            + "FROM " + app.database + ".logs WHERE function = {f:String}", f,
                    r -> r.getString("body") + "|" + r.getString("severity_text") + "|" + r.getString("t") + "|" + r.getString("s"))
                    .getFirst();
            assertThat(log).isEqualTo("order placed|INFO|" + s.traceId() + "|" + s.serverSpanId());
            String metric = app.clickHouse().query("SELECT metric_name, toString(metric_type) AS t, value, is_monotonic FROM "
                            + app.database + ".metric_points WHERE function = {f:String}", f,
                    r -> r.getString("metric_name") + "|" + r.getString("t") + "|" + r.getDouble("value") + "|" + r.getLong("is_monotonic"))
                    .getFirst();
            assertThat(metric).isEqualTo("orders.placed|sum|3.0|1");
            // The service map saw the DynamoDB call. A view's rows are committed after the part of the table it reads
            // (ClickHouse makes no insert atomic across views), so they are awaited, not expected with the spans.
            AllInOne.await(() -> app.count("SELECT sum(calls) FROM {db}.edges_minute WHERE source = {f:String} "
                    + "AND target = 'dynamodb'", f) >= 1, TIMEOUT, "the service map's edge");
            assertThat(app.count("SELECT sum(calls) FROM {db}.edges_minute WHERE source = {f:String} AND target = 'dynamodb'", f))
                    .isEqualTo(1);
        }
    }

    /**
     * Errors Micronaut raises itself come in the shape of every other error: a wrong method was a 500 "internal
     * error" (the controllers' catch-all took Micronaut's 405 for a bug), an unknown path a HATEOAS document, a path
     * of the other port plain text labelled JSON.
     */
    @Test
    void everyPortAnswersWrongMethodsAndPathsInTheErrorShapeOfTheApi() throws Exception {
        try (AllInOne app = new AllInOne(Map.of()).start()) {
            String api = "http://127.0.0.1:" + app.apiPort;
            HttpResponse<String> post = app.call("POST", api + "/api/v1/traces");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertThat(JSON.readTree(post.body()).path("error").asText())
                    .isEqualTo("Method [POST] not allowed for URI [/api/v1/traces]. Allowed methods: [HEAD, GET]");

            HttpResponse<String> unknown = app.call("GET", api + "/api/v1/nope");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("no such endpoint: GET /api/v1/nope");

            // Netty's 4 KiB request line is raised to 16 KiB (a search with several long attr. filters); beyond, a
            // message naming the key instead of "Request Entity Too Large".
            assertThat(app.call("GET", api + "/api/v1/traces?service=" + "s".repeat(8_000)).statusCode()).isEqualTo(200);
            HttpResponse<String> tooLong = app.call("GET", api + "/api/v1/traces?service=" + "s".repeat(17_000));
            assertThat(tooLong.statusCode()).isEqualTo(413);
            assertThat(JSON.readTree(tooLong.body()).path("error").asText()).contains("micronaut.server.netty.max-initial-line-length");

            HttpResponse<String> otherPort = app.call("GET", api + "/v1/traces");
            assertThat(otherPort.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(otherPort.body()).path("error").asText()).isEqualTo("no route /v1/traces on port "
                    + app.apiPort + ": telemetry (/v1/...) goes to port " + app.httpPort + ", the API to port " + app.apiPort);

            HttpResponse<String> get = app.call("GET", app.otlpHttp("/v1/traces"));
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).hasValue("POST");
            assertThat(JSON.readTree(get.body()).path("message").asText())
                    .isEqualTo("Method [GET] not allowed for URI [/v1/traces]. Allowed methods: [POST]");
        }
    }

    @Test
    void aRestartOnTheSameDataDirectoryKeepsTheDataAndWritesNothingTwice() {
        try (AllInOne app = new AllInOne(Map.of()).start()) {
            String function = AllInOne.uniqueFunction("orders");
            Map<String, Object> f = Map.of("f", function);
            Sent first = sendInvocation(app, function);
            AllInOne.await(() -> app.count("SELECT count() FROM {db}.spans WHERE function = {f:String}", f) == 2, TIMEOUT,
                    "first invocation's spans");

            ShutdownOrder.EVENTS.clear();
            app.stop();
            // The writer stopped (and made its last flush) before ClickHouse closed, and ClickHouse before Kafka.
            assertThat(ShutdownOrder.EVENTS).containsExactly("clickhouse closing (writer running: false)",
                    "kafka closing (writer running: false)");

            app.start();
            Sent second = sendInvocation(app, function);
            AllInOne.await(() -> app.count("SELECT count() FROM {db}.spans WHERE function = {f:String}", f) >= 4, TIMEOUT,
                    "second invocation's spans");
            // Let the writer finish whatever it would read again, then count.
            AllInOne.await(() -> app.count("SELECT count() FROM {db}.logs WHERE function = {f:String}", f) == 2, TIMEOUT,
                    "both log records");
            assertThat(app.count("SELECT count() FROM {db}.spans WHERE function = {f:String}", f)).isEqualTo(4);
            // The views' rows may follow their table's part by a moment: await them, then expect nothing twice.
            AllInOne.await(() -> app.count("SELECT sum(invocations) FROM {db}.function_minute WHERE function = {f:String}", f) >= 2
                    && app.count("SELECT sum(spans) FROM {db}.trace_index WHERE trace_id IN (unhex({a:String}), unhex({b:String}))",
                            Map.of("a", first.traceId(), "b", second.traceId())) >= 4, TIMEOUT, "the views' rows");
            assertThat(app.count("SELECT sum(spans) FROM {db}.trace_index WHERE trace_id IN (unhex({a:String}), unhex({b:String}))",
                    Map.of("a", first.traceId(), "b", second.traceId()))).isEqualTo(4);
            assertThat(app.count("SELECT count() FROM {db}.invocations WHERE function = {f:String}", f)).isEqualTo(2);
            assertThat(app.count("SELECT sum(invocations) FROM {db}.function_minute WHERE function = {f:String}", f)).isEqualTo(2);
            // Kafka's log survived too: the first request's records are still there, before the second's.
            assertThat(app.context().getBean(KafkaCluster.class).isEmbedded()).isTrue();
        }
    }

    @Test
    void theAllInOneCreatesOnePartitionPerTopicAndDistributedModeFour() throws Exception {
        try (AllInOne app = new AllInOne(Map.of()).start();
             Admin admin = app.context().getBean(KafkaCluster.class).newAdmin()) {
            // Its single writer makes one insert per table per flush, whatever it would gain from more (none).
            String traces = app.context().getBean(KafkaCluster.class).topics().of(Signal.TRACES);
            assertThat(admin.describeTopics(List.of(traces)).allTopicNames().get().get(traces).partitions()).hasSize(1);
        }
        try (ApplicationContext distributed = ApplicationContext.builder().environments("distributed").build()) {
            distributed.getEnvironment().start();
            assertThat(distributed.getEnvironment().getProperty("fnscope.kafka.partitions", Integer.class)).contains(4);
        }
    }
}
