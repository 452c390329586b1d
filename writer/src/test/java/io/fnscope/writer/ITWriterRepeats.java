package io.fnscope.writer;

import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.fnscope.writer.ITWriter.*;
import static io.fnscope.writer.TestObjects.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records an exporter re-sent after a 503: the same value and headers (same {@code fnscope-batch-id}) as a record
 * already taken, at a new offset, maybe on another partition. The writer stores each batch id once, whether the
 * repeat comes in a later flush or in the same one, and never takes distinct records for repeats.
 */
class ITWriterRepeats {

    @Test
    void aRecordReSentAtOtherOffsetsAndOnAnotherPartitionIsStoredOnce() {
        try (WriterHarness h = new WriterHarness()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            String traces = h.topic(Signal.TRACES);
            String platform = h.topic(Signal.LAMBDA_PLATFORM);
            ProducerRecord<byte[], byte[]> trace = traceRecord(h, "orders", "req-1", T0_NANOS);
            ProducerRecord<byte[], byte[]> report = reportRecord(h, "orders", "req-1", T0);
            h.send(trace, 0);
            h.send(report, 0);
            WriterHarness.stepUntil(w, h.clock, () -> h.committedOffset(traces, 0) == 1
                    && h.committedOffset(platform, 0) == 1, TIMEOUT);
            Map<String, Long> once = results(h);
            assertThat(once).containsEntry("spans", 3L).containsEntry("trace_index.spans", 3L)
                    .containsEntry("function_minute.invocations", 2L).containsEntry("edges_minute.calls", 2L)
                    .containsEntry("lambda_platform_events", 2L);

            // The exporter's retry: the same records again, at the next offset of the same partition and on the other
            // partition, between new records that are stored.
            h.send(trace, 0);
            h.send(traceRecord(h, "orders", "req-2", T0_NANOS + 1_000_000_000L), 0);
            h.send(trace, 1);
            h.send(report, 1);
            h.send(report, 0);
            WriterHarness.stepUntil(w, h.clock, () -> h.committedOffset(traces, 0) == 3
                    && h.committedOffset(traces, 1) == 1 && h.committedOffset(platform, 0) == 2
                    && h.committedOffset(platform, 1) == 1, TIMEOUT);

            assertThat(results(h)).containsEntry("spans", 6L).containsEntry("trace_index.spans", 6L)
                    .containsEntry("traces", 2L).containsEntry("invocation rows", 3L)
                    .containsEntry("function_minute.invocations", 3L).containsEntry("edges_minute.calls", 4L)
                    .containsEntry("messages", 2L).containsEntry("lambda_platform_events", 2L);
            assertThat(h.count("SELECT sum(invocations) FROM {db}.function_hour")).isEqualTo(3);
            assertThat(records(registry, "traces", "duplicate")).isEqualTo(2);
            assertThat(records(registry, "lambda-platform", "duplicate")).isEqualTo(2);
            assertThat(items(registry, "traces", "duplicate")).isEqualTo(6);
            assertThat(records(registry, "traces", "written")).isEqualTo(2);
            assertThat(records(registry, "lambda-platform", "written")).isEqualTo(1);
            // One id per stored record; the look-up ran once per flush.
            assertThat(h.count("SELECT count() FROM {db}.written_batches")).isEqualTo(3);
            assertThat(h.count("SELECT uniqExact(tenant, batch_id) FROM {db}.written_batches")).isEqualTo(3);
            assertThat(registry.get("fnscope.writer.batch.lookup.duration").timer().count())
                    .isEqualTo((long) registry.get("fnscope.writer.flushes").counters().stream()
                            .mapToDouble(Counter::count).sum());
        }
    }

    @Test
    void aRepeatWithinOneFlushIsStoredOnceOnTheSamePartitionAndOnAnother() {
        try (WriterHarness h = new WriterHarness()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            String traces = h.topic(Signal.TRACES);
            ProducerRecord<byte[], byte[]> a = traceRecord(h, "orders", "req-a", T0_NANOS);
            ProducerRecord<byte[], byte[]> b = traceRecord(h, "orders", "req-b", T0_NANOS);
            // Partition 0: a, a, b. Partition 1: b, an undecodable record, c. Whichever batch the flush takes first
            // keeps b; the other partition's batch ends before its b, which the next flush finds written.
            h.send(a, 0);
            h.send(a, 0);
            h.send(b, 0);
            h.send(b, 1);
            h.send(record(traces, "acme", Signal.TRACES, utf8("not protobuf"), 1), 1);
            h.send(traceRecord(h, "orders", "req-c", T0_NANOS), 1);
            // All six in the writer before anything is flushed: one flush holds them all.
            takeAll(w, 6);
            WriterHarness.stepUntil(w, h.clock, () -> h.committedOffset(traces, 0) == 3
                    && h.committedOffset(traces, 1) == 3, TIMEOUT);

            assertThat(results(h)).containsEntry("spans", 9L).containsEntry("trace_index.spans", 9L)
                    .containsEntry("traces", 3L).containsEntry("invocation rows", 3L)
                    .containsEntry("function_minute.invocations", 3L).containsEntry("edges_minute.calls", 6L);
            assertThat(records(registry, "traces", "duplicate")).isEqualTo(2);
            assertThat(records(registry, "traces", "written")).isEqualTo(3);
            assertThat(records(registry, "traces", "dead_lettered")).isEqualTo(1);
            // The bad record is dead-lettered once, although its batch went to the next flush.
            assertThat(h.deadLetters(1)).hasSize(1);
            assertThat(h.count("SELECT count() FROM {db}.written_batches")).isEqualTo(3);
        }
    }

    @Test
    void distinctRecordsAreAllStoredAlsoWhenAnotherTenantHasTheSameBatchId() {
        try (WriterHarness h = new WriterHarness()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            int n = 40;
            for (int i = 0; i < n; i++) {
                h.send(traceRecord(h, "orders", "req-" + i, T0_NANOS + i * 1_000_000L), i % 2);
                if (i % 10 == 0) {
                    h.send(metricRecord(h, "orders"));
                    h.send(logRecord(h, "orders"));
                }
            }
            // The same batch id under two tenants: two records (ids are looked up per tenant).
            UUID shared = UUID.randomUUID();
            h.send(withBatchId(traceRecord(h, "orders", "req-x", T0_NANOS), "acme", shared), 0);
            h.send(withBatchId(traceRecord(h, "orders", "req-y", T0_NANOS), "globex", shared), 1);
            WriterHarness.stepUntil(w, h.clock, () -> committedTotal(h) == n + 8 + 2, TIMEOUT);

            assertThat(results(h)).containsEntry("spans", 3L * (n + 2)).containsEntry("trace_index.spans", 3L * (n + 2))
                    .containsEntry("function_minute.invocations", (long) n + 2).containsEntry("metric_points", 4L)
                    .containsEntry("logs", 4L);
            assertThat(h.count("SELECT count() FROM {db}.spans WHERE tenant = 'globex'")).isEqualTo(3);
            assertThat(registry.find("fnscope.writer.records").tag("outcome", "duplicate").counters())
                    .allSatisfy(c -> assertThat(c.count()).isZero());
            assertThat(h.count("SELECT count() FROM {db}.written_batches")).isEqualTo(n + 8 + 2);
        }
    }

    static ProducerRecord<byte[], byte[]> withBatchId(ProducerRecord<byte[], byte[]> r, String tenant, UUID id) {
        r.headers().remove(TelemetryHeaders.TENANT).add(TelemetryHeaders.TENANT, utf8(tenant));
        r.headers().remove(TelemetryHeaders.BATCH_ID).add(TelemetryHeaders.BATCH_ID, utf8(id.toString()));
        return r;
    }

    static double records(SimpleMeterRegistry registry, String signal, String outcome) {
        Counter c = registry.find("fnscope.writer.records").tags("signal", signal, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    static double items(SimpleMeterRegistry registry, String signal, String outcome) {
        Counter c = registry.find("fnscope.writer.items").tags("signal", signal, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
