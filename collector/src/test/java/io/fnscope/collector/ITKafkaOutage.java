package io.fnscope.collector;

import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.kafka.EmbeddedKafkaBroker;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka goes away while functions export: the collector answers 503 / UNAVAILABLE (nothing buffered without bound),
 * the SDK exporters retry as their RetryPolicy says, and once the broker is back every span lands exactly once.
 */
class ITKafkaOutage {

    @Test
    void exportersRetryThroughAKafkaOutageAndNothingIsLostOrDuplicated() throws Exception {
        Path dir = TestKafka.tempDir("fnscope-outage-kafka");
        int brokerPort = CollectorHarness.freePort();
        int controllerPort = CollectorHarness.freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", brokerPort, controllerPort, Map.of()).start();
        try (CollectorHarness collector = new CollectorHarness(broker.bootstrapServers(), Map.of(
                "fnscope.collector.retry-after", "3s",
                "fnscope.collector.kafka.probe-interval", "500ms"))) {
            KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
            RetryPolicy patient = RetryPolicy.builder().setMaxAttempts(5).setInitialBackoff(Duration.ofSeconds(3))
                    .setMaxBackoff(Duration.ofSeconds(10)).setBackoffMultiplier(1.5).build();
            SpanExporter http = OtlpHttpSpanExporter.builder().setEndpoint("http://127.0.0.1:" + collector.httpPort + "/v1/traces")
                    .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY)
                    .setTimeout(Duration.ofSeconds(90)).setRetryPolicy(patient).build();
            SpanExporter grpc = OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + collector.grpcPort)
                    .addHeader("Authorization", "Bearer " + TestObjects.ACME_KEY)
                    .setTimeout(Duration.ofSeconds(90)).setRetryPolicy(patient).build();
            List<SpanData> before = ITOtelJavaSdk.recordSpans(Resource.getDefault());
            assertThat(http.export(before).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

            broker.close();
            List<SpanData> viaHttp = ITOtelJavaSdk.recordSpans(ITOtelJavaSdk.resource("during-outage-http"));
            List<SpanData> viaGrpc = ITOtelJavaSdk.recordSpans(ITOtelJavaSdk.resource("during-outage-grpc"));
            CompletableResultCode httpResult = http.export(viaHttp);
            CompletableResultCode grpcResult = grpc.export(viaGrpc);

            // Both exporters are told "unavailable" before the broker comes back...
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while ((collector.metric("fnscope_collector_requests_total", "transport", "http", "outcome", "unavailable") < 1
                    || collector.metric("fnscope_collector_requests_total", "transport", "grpc", "outcome", "unavailable") < 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(collector.metric("fnscope_collector_requests_total", "transport", "http", "outcome", "unavailable")).isGreaterThanOrEqualTo(1);
            assertThat(collector.metric("fnscope_collector_requests_total", "transport", "grpc", "outcome", "unavailable")).isGreaterThanOrEqualTo(1);
            assertThat(httpResult.isDone()).as("HTTP export still retrying").isFalse();
            assertThat(grpcResult.isDone()).as("gRPC export still retrying").isFalse();
            assertThat(collector.metric("fnscope_collector_in_flight_bytes")).isZero();

            // ...and their own retries land once it is.
            broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", brokerPort, controllerPort, Map.of()).start();
            assertThat(httpResult.join(90, TimeUnit.SECONDS).isSuccess()).as("HTTP export succeeded after retries").isTrue();
            assertThat(grpcResult.join(90, TimeUnit.SECONDS).isSuccess()).as("gRPC export succeeded after retries").isTrue();

            List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 3);
            Map<String, Integer> copies = new HashMap<>();
            Map<String, Span> stored = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(r.value()).getResourceSpansList()) {
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        for (Span s : ss.getSpansList()) {
                            String id = HexFormat.of().formatHex(s.getSpanId().toByteArray());
                            copies.merge(id, 1, Integer::sum);
                            stored.put(id, s);
                        }
                    }
                }
            }
            List<SpanData> all = new ArrayList<>(before);
            all.addAll(viaHttp);
            all.addAll(viaGrpc);
            assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(all.stream().map(SpanData::getSpanId).toList());
            assertThat(copies.values().stream().collect(Collectors.toSet())).containsExactly(1);
            for (SpanData s : all) {
                Span got = stored.get(s.getSpanId());
                assertThat(got.getName()).isEqualTo(s.getName());
                assertThat(HexFormat.of().formatHex(got.getTraceId().toByteArray())).isEqualTo(s.getTraceId());
                assertThat(got.getStartTimeUnixNano()).isEqualTo(s.getStartEpochNanos());
                assertThat(ITOtelJavaSdk.attributes(got.getAttributesList())).isEqualTo(ITOtelJavaSdk.expected(s.getAttributes()));
            }
            assertThat(collector.metric("fnscope_collector_items_refused_total", "tenant", "acme", "reason", "kafka_send_failed"))
                    .isGreaterThanOrEqualTo(1);
            http.shutdown();
            grpc.shutdown();
        } finally {
            broker.close();
            TestKafka.deleteRecursively(dir);
        }
    }
}
