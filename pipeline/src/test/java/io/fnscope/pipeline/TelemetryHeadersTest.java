package io.fnscope.pipeline;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelemetryHeadersTest {

    @Test
    void roundTripsThroughKafkaHeaders() {
        var h = new TelemetryHeaders("acme", Signal.LAMBDA_PLATFORM, TelemetryHeaders.JSON, UUID.randomUUID(), 1_700_000_000_123L, 42);
        assertThat(TelemetryHeaders.fromKafka(h.toKafka())).isEqualTo(h);
        assertThat(new String(h.toKafka().lastHeader("fnscope-signal").value(), StandardCharsets.UTF_8)).isEqualTo("lambda-platform");
    }

    @Test
    void namesTheMissingOrMalformedHeader() {
        var headers = new TelemetryHeaders("acme", Signal.TRACES, TelemetryHeaders.PROTOBUF, UUID.randomUUID(), 1L, 1).toKafka();
        headers.remove(TelemetryHeaders.TENANT);
        assertThatThrownBy(() -> TelemetryHeaders.fromKafka(headers)).hasMessage("Kafka record has no 'fnscope-tenant' header");

        var bad = new RecordHeaders(new TelemetryHeaders("acme", Signal.TRACES, TelemetryHeaders.PROTOBUF, UUID.randomUUID(), 1L, 1).toKafka().toArray());
        bad.remove(TelemetryHeaders.BATCH_ID);
        bad.add(TelemetryHeaders.BATCH_ID, "nope".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TelemetryHeaders.fromKafka(bad)).hasMessage("Kafka record header 'fnscope-batch-id' is malformed: 'nope'");

        var unknownSignal = new RecordHeaders(new TelemetryHeaders("acme", Signal.TRACES, TelemetryHeaders.PROTOBUF, UUID.randomUUID(), 1L, 1).toKafka().toArray());
        unknownSignal.remove(TelemetryHeaders.SIGNAL);
        unknownSignal.add(TelemetryHeaders.SIGNAL, "profiles".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TelemetryHeaders.fromKafka(unknownSignal)).hasMessageContaining("Unknown signal 'profiles'");
    }

    @Test
    void topicsArePrefixedPerSignal() {
        var topics = new Topics("fnscope.");
        assertThat(topics.of(Signal.TRACES)).isEqualTo("fnscope.traces");
        assertThat(topics.all()).containsExactly("fnscope.traces", "fnscope.metrics", "fnscope.logs",
                "fnscope.lambda-platform", "fnscope.dead-letter");
        assertThat(topics.signalOf("fnscope.logs")).isEqualTo(Signal.LOGS);
        assertThat(topics.signalOf("fnscope.dead-letter")).isNull();
    }
}
