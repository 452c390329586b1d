package io.fnscope.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.fnscope.pipeline.lambda.LambdaFunction;
import io.fnscope.pipeline.lambda.LambdaPlatformBatch;
import io.fnscope.pipeline.lambda.LambdaPlatformCodec;
import io.fnscope.pipeline.lambda.PlatformEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.fnscope.collector.TestObjects.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** Lambda Telemetry API batches forwarded by an extension to POST /v1/lambda/telemetry. */
class ITLambdaTelemetry {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] FUNCTION = {
            "X-Fnscope-Function-Name", "checkout",
            "X-Fnscope-Function-Version", "$LATEST",
            "X-Fnscope-Region", "eu-west-1",
            "X-Fnscope-Architecture", "arm64",
            "X-Fnscope-Memory-Mb", "512",
            "X-Fnscope-Account-Id", "123456789012",
            "X-Fnscope-Log-Stream", "2026/11/23/[$LATEST]8f3a1c"};

    /** As the Lambda service POSTs them to a subscribed extension (one cold invocation). */
    static final String BATCH = """
            [
             {"time":"2026-11-23T10:00:00.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:20.v30","functionName":"checkout","functionVersion":"$LATEST"}},
             {"time":"2026-11-23T10:00:00.350Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"success","metrics":{"durationMs":348.51}}},
             {"time":"2026-11-23T10:00:00.351Z","type":"platform.start","record":{"requestId":"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa","version":"$LATEST","tracing":{"spanId":"54565fb41ac79632","type":"X-Amzn-Trace-Id","value":"Root=1-5f4c4b2a-2b2c4d8e6f1a3b5c7d9e0f12;Parent=54565fb41ac79632;Sampled=1"}}},
             {"time":"2026-11-23T10:00:00.372Z","type":"function","record":"2026-11-23T10:00:00.372Z\\t6d68ca91\\tINFO\\torder placed"},
             {"time":"2026-11-23T10:00:00.410Z","type":"platform.runtimeDone","record":{"requestId":"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa","status":"success","metrics":{"durationMs":58.7,"producedBytes":42}}},
             {"time":"2026-11-23T10:00:00.412+00:00","type":"platform.report","record":{"requestId":"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa","status":"success","metrics":{"durationMs":59.81,"billedDurationMs":60,"memorySizeMB":512,"maxMemoryUsedMB":87,"initDurationMs":348.51}}}
            ]
            """;

    static CollectorHarness collector;

    @BeforeAll
    static void start() {
        collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    HttpResponse<byte[]> post(String body, String... headers) {
        return collector.post("/v1/lambda/telemetry", "application/json", ACME_KEY, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void batchArrivesAsNormalisedDocument() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.LAMBDA_PLATFORM);

        HttpResponse<byte[]> r = post(BATCH, FUNCTION);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body())).isEqualTo("{\"accepted\":6,\"rejected\":0,\"errors\":[]}");
        ConsumerRecord<byte[], byte[]> record = CollectorHarness.readExactly(consumer, 1).get(0);
        TelemetryHeaders h = TelemetryHeaders.fromKafka(record.headers());
        assertThat(h.tenant()).isEqualTo("acme");
        assertThat(h.signal()).isEqualTo(Signal.LAMBDA_PLATFORM);
        assertThat(h.contentType()).isEqualTo("application/json");
        assertThat(h.items()).isEqualTo(6);
        LambdaPlatformBatch batch = LambdaPlatformCodec.read(record.value());
        assertThat(batch.function()).isEqualTo(new LambdaFunction("checkout", "$LATEST", "eu-west-1", "arm64", 512,
                "123456789012", "2026/11/23/[$LATEST]8f3a1c"));
        assertThat(batch.events()).extracting(PlatformEvent::type).containsExactly("platform.initStart",
                "platform.initReport", "platform.start", "function", "platform.runtimeDone", "platform.report");
        assertThat(batch.events().get(5).time()).isEqualTo(Instant.parse("2026-11-23T10:00:00.412Z"));
        PlatformEvent.Report report = batch.events().get(5).report().orElseThrow();
        assertThat(report).isEqualTo(new PlatformEvent.Report("6d68ca91-49c9-448d-89b8-7ca3e6dc66aa", "success", 59.81, 60,
                512, 87, 348.51, null));
        assertThat(batch.events().get(1).initReport().orElseThrow().durationMs()).isEqualTo(348.51);
        assertThat(batch.events().get(3).record().asText()).endsWith("INFO\torder placed");
        JsonNode doc = JSON.readTree(record.value());
        assertThat(doc.path("schema").asInt()).isEqualTo(1);
        assertThat(doc.path("events").get(5).path("time").asText()).isEqualTo("2026-11-23T10:00:00.412Z");
    }

    @Test
    void badEventsAreRejectedOneByOne() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.LAMBDA_PLATFORM);
        String body = """
                [{"time":"2026-11-23T10:00:00.000Z","type":"platform.start","record":{"requestId":"r1"}},
                 {"time":"yesterday","type":"platform.start","record":{"requestId":"r2"}},
                 {"time":"2026-11-23T10:00:00.000Z","type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":1,"billedDurationMs":"2","memorySizeMB":128,"maxMemoryUsedMB":60}}},
                 {"time":"2026-11-23T10:00:00.000Z","type":"platform.report","record":{"metrics":{}}},
                 {"time":"2026-11-23T10:00:00.000Z"},
                 42,
                 {"time":"2100-01-01T00:00:00.000Z","type":"platform.start","record":{"requestId":"r3"}}]
                """;

        HttpResponse<byte[]> r = post(body, "X-Fnscope-Function-Name", "checkout");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("accepted").asInt()).isEqualTo(1);
        assertThat(answer.path("rejected").asInt()).isEqualTo(6);
        assertThat(answer.path("errors")).extracting(JsonNode::asText).containsExactly(
                "events[1] (platform.start): time must be an ISO-8601 timestamp, got 'yesterday'",
                "events[2] (platform.report): record.metrics.billedDurationMs must be a non-negative number",
                "events[3] (platform.report): record.requestId must be a non-empty string",
                "events[4]: type must be a non-empty string",
                "events[5]: an event must be a JSON object",
                "events[6] (platform.start): time 2100-01-01T00:00:00.000Z is further ahead of the collector's clock"
                        + " than fnscope.collector.max-time-ahead allows");
        LambdaPlatformBatch batch = LambdaPlatformCodec.read(CollectorHarness.readExactly(consumer, 1).get(0).value());
        assertThat(batch.function()).isEqualTo(new LambdaFunction("checkout", "$LATEST", null, null, null, null, null));
        assertThat(batch.events()).hasSize(1);
        assertThat(batch.events().get(0).requestId()).isEqualTo("r1");
        assertThat(collector.metric("fnscope_collector_items_rejected_total", "signal", "lambda-platform", "reason", "invalid_event"))
                .isGreaterThanOrEqualTo(6);
    }

    @Test
    void badHeadersAndBodiesAre400() throws Exception {
        HttpResponse<byte[]> noName = post(BATCH);
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noName.body()).path("error").asText()).isEqualTo("header X-Fnscope-Function-Name is required:"
                + " the extension must send the function's name (AWS_LAMBDA_FUNCTION_NAME)");

        HttpResponse<byte[]> arch = post(BATCH, "X-Fnscope-Function-Name", "checkout", "X-Fnscope-Architecture", "amd64");
        assertThat(JSON.readTree(arch.body()).path("error").asText()).isEqualTo("header X-Fnscope-Architecture must be x86_64 or arm64, got 'amd64'");

        HttpResponse<byte[]> memory = post(BATCH, "X-Fnscope-Function-Name", "checkout", "X-Fnscope-Memory-Mb", "lots");
        assertThat(JSON.readTree(memory.body()).path("error").asText()).isEqualTo("header X-Fnscope-Memory-Mb must be a whole"
                + " number of MB between 128 and 10240 (AWS_LAMBDA_FUNCTION_MEMORY_SIZE), got 'lots'");

        HttpResponse<byte[]> region = post(BATCH, "X-Fnscope-Function-Name", "checkout", "X-Fnscope-Region", "Europe");
        assertThat(JSON.readTree(region.body()).path("error").asText()).isEqualTo("header X-Fnscope-Region must be an AWS region"
                + " such as us-east-1 (AWS_REGION), got 'Europe'");

        HttpResponse<byte[]> name = post(BATCH, "X-Fnscope-Function-Name", "my function!");
        assertThat(JSON.readTree(name.body()).path("error").asText()).isEqualTo("header X-Fnscope-Function-Name must be 1-64"
                + " letters, digits, '-' or '_' (AWS_LAMBDA_FUNCTION_NAME), got 'my function!'");

        HttpResponse<byte[]> object = post("{\"time\":1}", FUNCTION);
        assertThat(object.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(object.body()).path("error").asText()).isEqualTo("the body must be a JSON array of Lambda"
                + " Telemetry API events ([{\"time\":...,\"type\":...,\"record\":...}, ...])");

        HttpResponse<byte[]> allBad = post("[{\"type\":\"platform.start\"}]", FUNCTION);
        assertThat(allBad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(allBad.body()).path("error").asText()).isEqualTo("rejected all 1 event:"
                + " events[0] (platform.start): time must be an ISO-8601 timestamp string");

        HttpResponse<byte[]> protobuf = collector.post("/v1/lambda/telemetry", "application/x-protobuf", ACME_KEY, new byte[0], FUNCTION);
        assertThat(protobuf.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(protobuf.body()).path("error").asText()).isEqualTo("Content-Type application/x-protobuf is not supported; send application/json");

        HttpResponse<byte[]> noKey = collector.post("/v1/lambda/telemetry", "application/json", null, BATCH.getBytes(), FUNCTION);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(noKey.body()).path("error").asText()).isEqualTo("missing credentials: send 'Authorization: Bearer <key>'");

        HttpResponse<byte[]> empty = post("[]", FUNCTION);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(new String(empty.body())).isEqualTo("{\"accepted\":0,\"rejected\":0,\"errors\":[]}");
    }
}
