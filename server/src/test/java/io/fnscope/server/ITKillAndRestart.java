package io.fnscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The all-in-one as a process of its own ({@code java -jar fnscope-server.jar}, as {@code bin/fnscope} starts it),
 * killed with SIGKILL while telemetry flows, then started again on the same data directory: every request it
 * answered 200 is there, once. Accepted means in Kafka (acks=all), so the restart's writer finds what the killed
 * one had not written, and its deduplication keeps what it had written from being written twice.
 */
class ITKillAndRestart {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SPANS_PER_REQUEST = 5;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void killedMidStreamAndStartedAgainItHasEveryAcceptedSpanOnce(@TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("FNSCOPE_DATA_DIR", dir.resolve("data").toString());
        env.put("FNSCOPE_COLLECTOR_HTTP_PORT", Integer.toString(freePort()));
        env.put("FNSCOPE_COLLECTOR_GRPC_PORT", Integer.toString(freePort()));
        env.put("FNSCOPE_QUERY_HTTP_PORT", Integer.toString(freePort()));
        env.put("FNSCOPE_KAFKA_EMBEDDED_PORT", Integer.toString(freePort()));
        env.put("FNSCOPE_KAFKA_EMBEDDED_CONTROLLER_PORT", Integer.toString(freePort()));
        String otlp = "http://127.0.0.1:" + env.get("FNSCOPE_COLLECTOR_HTTP_PORT") + "/v1/traces";
        String api = "http://127.0.0.1:" + env.get("FNSCOPE_QUERY_HTTP_PORT");

        Process first = start(env, dir.resolve("first.log"));
        List<String> accepted = new ArrayList<>();
        try {
            awaitHealthy(api, first, dir.resolve("first.log"));
            long start = Instant.now().minusSeconds(60).toEpochMilli() * 1_000_000L;
            for (int i = 0; i < 400 && accepted.size() < 150; i++) {
                String trace = UUID.randomUUID().toString().replace("-", "");
                if (send(otlp, trace, start + i * 1_000_000L) == 200) {
                    accepted.add(trace);
                }
            }
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no last flush, no commit
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(accepted).hasSize(150);

        Process second = start(env, dir.resolve("second.log"));
        try {
            awaitHealthy(api, second, dir.resolve("second.log"));
            Map<String, Integer> found = Map.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                found = spansPerTrace(api);
                if (found.keySet().containsAll(accepted)) {
                    break;
                }
                Thread.sleep(500);
            }
            // Within 30 s of being ready: the restarted writer takes the partitions back at once (static
            // membership), not when the killed one's session expires (45-75 s).
            Set<String> missing = new HashSet<>(accepted);
            missing.removeAll(found.keySet());
            assertThat(missing).as("accepted before the kill, missing after the restart").isEmpty();
            assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(found.values()).as("spans per trace: none lost, none written twice")
                    .allSatisfy(n -> assertThat(n).isEqualTo(SPANS_PER_REQUEST));
        } finally {
            second.destroy(); // SIGTERM: the graceful stop
            if (!second.waitFor(60, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    private static Process start(Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Path.of("target", "fnscope-server.jar");
        assertThat(jar).as("the packaged server (mvn package runs before the integration tests)").exists();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx1g", "-XX:+UseParallelGC", "-jar", jar.toString());
        // LD_PRELOAD (the JDK's libjsig) and FNSCOPE_CHDB_LIB come from the test JVM's environment (bin/test).
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    private void awaitHealthy(String api, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("fnscope exited with " + p.exitValue() + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("fnscope did not become ready within 120 s:\n" + tail(log));
    }

    private int send(String otlp, String trace, long startNs) throws InterruptedException {
        StringBuilder spans = new StringBuilder();
        for (int j = 0; j < SPANS_PER_REQUEST; j++) {
            spans.append(j == 0 ? "" : ",").append("{\"traceId\":\"").append(trace).append("\",\"spanId\":\"")
                    .append(String.format("%016x", j + 1)).append("\",\"name\":\"s").append(j)
                    .append("\",\"kind\":2,\"startTimeUnixNano\":\"").append(startNs + j)
                    .append("\",\"endTimeUnixNano\":\"").append(startNs + j + 1_000_000).append("\"}");
        }
        String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"kill-test\"}}]},\"scopeSpans\":[{\"spans\":[" + spans + "]}]}]}";
        try {
            return http.send(HttpRequest.newBuilder(URI.create(otlp)).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The traces of service kill-test in the last hour, each with its span count, through the query API. */
    private Map<String, Integer> spansPerTrace(String api) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api
                + "/api/v1/traces?service=kill-test&limit=1000")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode t : JSON.readTree(r.body()).get("traces")) {
            out.put(t.get("traceId").asText(), t.get("spanCount").asInt());
        }
        return out;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
