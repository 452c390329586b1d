package io.fnscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnscope.clickhouse.SharedClickHouse;
import io.fnscope.pipeline.kafka.EmbeddedKafkaBroker;
import io.fnscope.pipeline.kafka.KafkaCluster;
import io.fnscope.query.TransactionLabeller;
import io.fnscope.tenancy.KeyHash;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Running the roles as separate processes is configuration only: one Kafka broker (started by the test, as an
 * external cluster would be), a collector-only context and a writer + query API context that share nothing but the
 * broker's address. Spans sent by the OTel SDK to the first are read back through the second's API.
 */
class ITSplitRoles {
    static final String INGEST = "fns_testSplitIngestKey00000000000001";
    static final String VIEWER = "fns_testSplitViewerKey00000000000001";

    @Test
    void aCollectorAndAWriterWithTheQueryApiShareOnlyKafka() throws Exception {
        Path dir = Files.createTempDirectory("fnscope-split");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        SharedClickHouse.engine(); // the test JVM's engine stays open after the writer's context closes its lease
        try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(dir.resolve("kafka"), "127.0.0.1", 0, 0, Map.of()).start()) {
            int otlpPort = AllInOne.freePort();
            int collectorOpsPort = AllInOne.freePort();
            int apiPort = AllInOne.freePort();
            Map<String, Object> collectorProps = common(dir.resolve("collector"), kafka, collectorOpsPort);
            collectorProps.put("micronaut.server.port", otlpPort);
            collectorProps.put("fnscope.collector.http-port", otlpPort);
            collectorProps.put("fnscope.collector.grpc-port", AllInOne.freePort());
            collectorProps.put("fnscope.writer.enabled", false);
            collectorProps.put("fnscope.query.enabled", false);
            collectorProps.put("fnscope.auth.keys[0].tenant", "acme");
            collectorProps.put("fnscope.auth.keys[0].role", "ingest");
            collectorProps.put("fnscope.auth.keys[0].sha256", KeyHash.sha256Hex(INGEST));

            Map<String, Object> readerProps = common(dir.resolve("reader"), kafka, apiPort);
            readerProps.put("micronaut.server.port", apiPort);
            readerProps.put("fnscope.collector.enabled", false);
            int readerOtlpPort = AllInOne.freePort();
            readerProps.put("fnscope.collector.http-port", readerOtlpPort);
            readerProps.put("fnscope.clickhouse.embedded.data-dir", SharedClickHouse.dataDir().toString());
            readerProps.put("fnscope.clickhouse.database", SharedClickHouse.uniqueName("split"));
            readerProps.put("fnscope.writer.flush-interval", "200ms");
            readerProps.put("fnscope.auth.keys[0].tenant", "acme");
            readerProps.put("fnscope.auth.keys[0].role", "viewer");
            readerProps.put("fnscope.auth.keys[0].sha256", KeyHash.sha256Hex(VIEWER));

            try (EmbeddedServer collector = ApplicationContext.run(EmbeddedServer.class, collectorProps);
                 EmbeddedServer reader = ApplicationContext.run(EmbeddedServer.class, readerProps)) {
                for (EmbeddedServer s : List.of(collector, reader)) {
                    KafkaCluster k = s.getApplicationContext().getBean(KafkaCluster.class);
                    assertThat(k.isEmbedded()).isFalse();
                    assertThat(k.bootstrapServers()).isEqualTo(kafka.bootstrapServers());
                }
                // Each process serves only its roles: no API on the collector, no OTLP listener beside the API.
                assertThat(get(http, "http://127.0.0.1:" + collectorOpsPort + "/api/v1/functions", VIEWER).statusCode())
                        .isEqualTo(404);
                assertThat(get(http, "http://127.0.0.1:" + collectorOpsPort + "/health", null).statusCode()).isEqualTo(200);
                assertThatThrownBy(() -> get(http, "http://127.0.0.1:" + readerOtlpPort + "/v1/traces", null))
                        .hasCauseInstanceOf(ConnectException.class);
                // Transaction labels follow the writer: in the writer+API process, not in the collector.
                assertThat(reader.getApplicationContext().containsBean(TransactionLabeller.class)).isTrue();
                assertThat(collector.getApplicationContext().containsBean(TransactionLabeller.class)).isFalse();
                // The writer's health is in the liveness of the process that writes, and only there.
                var live = get(http, "http://127.0.0.1:" + apiPort + "/health/liveness", null);
                assertThat(live.statusCode()).isEqualTo(200);
                assertThat(json(live.body()).path("details").path("writer").path("status").asText()).isEqualTo("UP");
                assertThat(json(live.body()).path("details").path("writer").path("details").path("state").asText())
                        .isEqualTo("running");
                assertThat(json(get(http, "http://127.0.0.1:" + collectorOpsPort + "/health", null).body())
                        .path("details").has("writer")).isFalse();

                // A function's SDK sends to the collector ...
                String requestId = UUID.randomUUID().toString();
                Instant start = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
                SdkTracerProvider sdk = SdkTracerProvider.builder().setResource(ITAllInOne.lambda("split-fn"))
                        .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
                                .setEndpoint("http://127.0.0.1:" + otlpPort + "/v1/traces")
                                .addHeader("Authorization", "Bearer " + INGEST).build()))
                        .build();
                Tracer tracer = sdk.get("io.fnscope.it");
                Span server = tracer.spanBuilder("GET /split").setNoParent().setSpanKind(SpanKind.SERVER)
                        .setStartTimestamp(start).setAttribute("faas.invocation_id", requestId)
                        .setAttribute("faas.trigger", "http").setAttribute("http.route", "/split").startSpan();
                tracer.spanBuilder("DynamoDB.GetItem").setParent(Context.root().with(server)).setSpanKind(SpanKind.CLIENT)
                        .setStartTimestamp(start.plusMillis(5)).setAttribute("db.system", "dynamodb").startSpan()
                        .end(start.plusMillis(25));
                server.end(start.plusMillis(40));
                assertThat(sdk.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
                sdk.shutdown().join(10, TimeUnit.SECONDS);
                String traceId = server.getSpanContext().getTraceId();

                // ... and the other process's API serves them, through Kafka and its writer.
                String url = "http://127.0.0.1:" + apiPort + "/api/v1/traces/" + traceId;
                AllInOne.await(() -> get(http, url, VIEWER).statusCode() == 200
                        && json(get(http, url, VIEWER).body()).path("spanCount").asInt() == 2, ITAllInOne.TIMEOUT,
                        "trace " + traceId + " through the split roles");
                JsonNode t = json(get(http, url, VIEWER).body());
                assertThat(t.path("functions").toString()).isEqualTo("[\"split-fn\"]");
                JsonNode root = t.path("spans").get(0);
                assertThat(root.path("name").asText()).isEqualTo("GET /split");
                assertThat(root.path("children").get(0).path("name").asText()).isEqualTo("DynamoDB.GetItem");
                assertThat(root.path("invocation").path("invocationId").asText()).isEqualTo(requestId);
                assertThat(root.path("invocation").path("route").asText()).isEqualTo("/split");
            }
        } finally {
            SharedClickHouse.deleteTree(dir);
        }
    }

    /** What both processes share: where they listen, the broker's address, no embedded broker. */
    private static Map<String, Object> common(Path dataDir, EmbeddedKafkaBroker kafka, int apiPort) {
        Map<String, Object> p = new HashMap<>();
        p.put("fnscope.data-dir", dataDir.toString());
        p.put("fnscope.listen-host", "127.0.0.1");
        p.put("fnscope.query.http-port", apiPort);
        p.put("fnscope.kafka.embedded.enabled", false);
        p.put("fnscope.kafka.bootstrap-servers", kafka.bootstrapServers());
        return p;
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return new ObjectMapper().readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
