package io.fnscope.writer;

import io.fnscope.pipeline.Signal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static io.fnscope.writer.ITWriter.*;
import static io.fnscope.writer.TestObjects.*;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code fnscope dead-letters}: a refused record listed, replayed once its cause is fixed, stored once. */
class ITDeadLetterTool {

    @Test
    void aRefusedRecordIsListedThenReplayedAfterTheFixAndStoredOnceHoweverOftenItIsReplayed() {
        try (WriterHarness h = new WriterHarness()) {
            h.clickHouse.execute("ALTER TABLE " + h.db + ".spans ADD CONSTRAINT no_poison CHECK name != 'poison'");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            String traces = h.topic(Signal.TRACES);
            var poison = request(serviceResource("svc"), serverSpan(traceId(), "poison", T0_NANOS, 1).build());
            long poisonOffset = h.send(record(traces, "acme", Signal.TRACES, poison.toByteArray(), 1), 1).offset();
            long good = h.send(traceRecord(h, "orders", "good-1", T0_NANOS), 0).offset();
            WriterHarness.stepUntil(w, h.clock, () -> h.committedOffset(traces, 1) == poisonOffset + 1
                    && h.committedOffset(traces, 0) == good + 1, TIMEOUT);
            assertThat(h.deadLetters(1)).hasSize(1);

            Run list = run(h, "--reason", "insert_rejected");
            assertThat(list.code).isZero();
            assertThat(list.out).contains("acme", "traces", "insert_rejected", traces + "-1@" + poisonOffset,
                    "VIOLATED_CONSTRAINT", "1 dead letter(s)");
            assertThat(run(h, "--tenant", "someone-else").out).contains("0 dead letter(s)");

            // The cause fixed, the record goes back to its topic and is stored like a new one.
            h.clickHouse.execute("ALTER TABLE " + h.db + ".spans DROP CONSTRAINT no_poison");
            Run replay = run(h, "--reason", "insert_rejected", "--replay");
            assertThat(replay.code).isZero();
            assertThat(replay.out).contains("replayed 1 dead letter(s)");
            WriterHarness.stepUntil(w, h.clock, () -> h.count("SELECT count() FROM {db}.spans WHERE name = 'poison'") == 1,
                    TIMEOUT);

            // Replayed again: its batch id is stored, so the writer skips it.
            assertThat(run(h, "--replay").out).contains("replayed 1 dead letter(s)");
            WriterHarness.stepUntil(w, h.clock, () -> registry.find("fnscope.writer.records")
                    .tags("outcome", "duplicate").counter() != null, TIMEOUT);
            assertThat(h.count("SELECT count() FROM {db}.spans WHERE name = 'poison'")).isEqualTo(1);
            assertThat(h.deadLetters(1)).hasSize(1);
        }
    }

    @Test
    void theDeadLetterTopicKeepsLettersForAWeekAndTheTelemetryTopicsForADay() throws Exception {
        try (WriterHarness h = new WriterHarness(); var admin = h.cluster.newAdmin()) {
            var dlq = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, h.topics.deadLetter());
            var traces = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, h.topic(Signal.TRACES));
            var configs = admin.describeConfigs(java.util.List.of(dlq, traces)).all().get();
            assertThat(configs.get(dlq).get("retention.ms").value()).isEqualTo(Long.toString(7 * 24 * 3_600_000L));
            assertThat(configs.get(traces).get("retention.ms").value()).isEqualTo(Long.toString(24 * 3_600_000L));
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheUsage() {
        try (WriterHarness h = new WriterHarness()) {
            Run unknown = run(h, "--everything");
            assertThat(unknown.code).isEqualTo(2);
            assertThat(unknown.err).contains("unknown argument --everything", "usage: fnscope dead-letters");
            Run reason = run(h, "--reason", "lost");
            assertThat(reason.code).isEqualTo(2);
            assertThat(reason.err).contains("--reason must be one of [bad_headers, wrong_topic, bad_content_type, "
                    + "bad_payload, insert_rejected], got 'lost'");
            assertThat(run(h, "--tenant").code).isEqualTo(2);
        }
    }

    @Test
    void aKafkaNobodyRunsIsNamedInTheError() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new DeadLetterTool(java.util.Map.of("bootstrap.servers", "127.0.0.1:" + port,
                "request.timeout.ms", 1000, "default.api.timeout.ms", 2000), new io.fnscope.pipeline.Topics("x."),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(new String[0], new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot use Kafka at 127.0.0.1:" + port, "is it running there?");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(WriterHarness h, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new DeadLetterTool(h.cluster.clientProperties(), h.topics, new PrintStream(out, true, StandardCharsets.UTF_8))
                .run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
