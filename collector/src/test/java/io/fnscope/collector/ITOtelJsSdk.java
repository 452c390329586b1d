package io.fnscope.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnscope.pipeline.Signal;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OTel JS SDK (Node, from npm: collector/src/test/js) sends spans over OTLP/HTTP with protobuf and with JSON.
 * bin/test installs the packages ({@code npm ci}) before the tests run.
 */
class ITOtelJsSdk {
    static final File JS = new File("src/test/js");
    static CollectorHarness collector;

    @BeforeAll
    static void start() {
        assertThat(new File(JS, "node_modules/@opentelemetry/sdk-trace-node")).as("run 'npm ci' in collector/src/test/js"
                + " (bin/test does) to install the OTel JS SDK").exists();
        collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"proto", "json"})
    void jsSdkSpansArriveIntact(String protocol) throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        String run = UUID.randomUUID().toString().substring(0, 8);
        ProcessBuilder pb = new ProcessBuilder("node", "send-spans.mjs").directory(JS).redirectErrorStream(false);
        pb.environment().put("FNSCOPE_URL", "http://127.0.0.1:" + collector.httpPort + "/v1/traces");
        pb.environment().put("FNSCOPE_KEY", TestObjects.ACME_KEY);
        pb.environment().put("FNSCOPE_PROTOCOL", protocol);
        pb.environment().put("FNSCOPE_RUN", run);
        Process node = pb.start();
        byte[] out = node.getInputStream().readAllBytes();
        String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as("node exited 0; stdout %s stderr %s", new String(out), err).isZero();
        JsonNode report = new ObjectMapper().readTree(out);
        assertThat(report.path("code").asInt()).isZero();

        List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 1);
        assertThat(records).hasSize(1);
        ResourceSpans rs = ExportTraceServiceRequest.parseFrom(records.get(0).value()).getResourceSpans(0);
        Map<String, Object> resource = ITOtelJavaSdk.attributes(rs.getResource().getAttributesList());
        assertThat(resource).containsEntry("service.name", "js-" + run).containsEntry("cloud.platform", "aws_lambda");
        assertThat(rs.getScopeSpans(0).getScope().getName()).isEqualTo("io.fnscope.js-test");
        assertThat(rs.getScopeSpans(0).getScope().getVersion()).isEqualTo("3.1.4");
        List<Span> stored = rs.getScopeSpans(0).getSpansList();
        assertThat(stored).hasSize(report.path("spans").size());
        for (JsonNode sent : report.path("spans")) {
            Span got = stored.stream().filter(s -> s.getName().equals(sent.path("name").asText())).findFirst().orElseThrow();
            assertThat(hex(got.getTraceId())).isEqualTo(sent.path("traceId").asText());
            assertThat(hex(got.getSpanId())).isEqualTo(sent.path("spanId").asText());
            assertThat(hex(got.getParentSpanId())).isEqualTo(sent.path("parentSpanId").asText());
            assertThat(got.getKind().getNumber()).isEqualTo(sent.path("kind").asInt() + 1);
            assertThat(Long.toUnsignedString(got.getStartTimeUnixNano())).isEqualTo(sent.path("startTimeUnixNano").asText());
            assertThat(Long.toUnsignedString(got.getEndTimeUnixNano())).isEqualTo(sent.path("endTimeUnixNano").asText());
            assertThat(plain(got.getAttributesList())).isEqualTo(plain(sent.path("attributes")));
            assertThat(got.getStatus().getCodeValue()).isEqualTo(sent.path("status").path("code").asInt());
            assertThat(got.getStatus().getMessage()).isEqualTo(sent.path("status").path("message").asText(""));
            assertThat(got.getEventsCount()).isEqualTo(sent.path("events").size());
            for (int i = 0; i < got.getEventsCount(); i++) {
                assertThat(got.getEvents(i).getName()).isEqualTo(sent.path("events").get(i).path("name").asText());
                assertThat(plain(got.getEvents(i).getAttributesList())).isEqualTo(plain(sent.path("events").get(i).path("attributes")));
            }
            assertThat(got.getLinksCount()).isEqualTo(sent.path("links").size());
            for (int i = 0; i < got.getLinksCount(); i++) {
                JsonNode l = sent.path("links").get(i);
                assertThat(hex(got.getLinks(i).getTraceId())).isEqualTo(l.path("traceId").asText());
                assertThat(hex(got.getLinks(i).getSpanId())).isEqualTo(l.path("spanId").asText());
                assertThat(plain(got.getLinks(i).getAttributesList())).isEqualTo(plain(l.path("attributes")));
            }
        }
    }

    static String hex(com.google.protobuf.ByteString b) {
        return HexFormat.of().formatHex(b.toByteArray());
    }

    /** Attribute values as strings, so JS numbers (always doubles) and OTLP ints compare by value. */
    static Map<String, String> plain(List<KeyValue> kvs) {
        Map<String, String> m = new TreeMap<>();
        kvs.forEach(kv -> m.put(kv.getKey(), text(kv.getValue())));
        return m;
    }

    static Map<String, String> plain(JsonNode attributes) {
        Map<String, String> m = new TreeMap<>();
        attributes.properties().forEach(e -> m.put(e.getKey(), text(e.getValue())));
        return m;
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> number(v.getDoubleValue());
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(ITOtelJsSdk::text).toList().toString();
            default -> v.toString();
        };
    }

    private static String text(JsonNode v) {
        if (v.isArray()) {
            List<String> items = new java.util.ArrayList<>();
            v.forEach(x -> items.add(text(x)));
            return items.toString();
        }
        return v.isNumber() ? number(v.asDouble()) : v.asText();
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
