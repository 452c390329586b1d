package io.fnscope.writer;

import io.fnscope.pipeline.Signal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.opentelemetry.proto.trace.v1.Span;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.fnscope.writer.ITWriter.*;
import static io.fnscope.writer.TestObjects.*;
import static org.assertj.core.api.Assertions.assertThat;

/** ClickHouse down and back, ClickHouse refusing rows, partitions moving between writers. */
class ITWriterFailures {

    @Test
    void whileClickHouseIsDownTheWriterPausesCommitsNothingAndCatchesUpWhenItIsBack() {
        FailingClickHouse[] failing = new FailingClickHouse[1];
        try (WriterHarness h = new WriterHarness(ch -> failing[0] = new FailingClickHouse(ch))) {
            FailingClickHouse ch = failing[0];
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            ch.down("spans", "invocations", "metric_points", "logs", "lambda_platform_events");
            sendMix(h, MIX_TRACES);
            takeAll(w, MIX_RECORDS);
            WriterHarness.stepUntil(w, h.clock, () -> registry.find("fnscope.writer.retries").counter() != null
                    && registry.get("fnscope.writer.retries").counter().count() >= 4, TIMEOUT);
            assertThat(h.count("SELECT count() FROM {db}.spans")).isZero();
            assertThat(registry.get("fnscope.writer.paused").gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("fnscope.writer.retries").tags("cause", "clickhouse").counter().count()).isGreaterThanOrEqualTo(4);
            // Nothing committed but the plans: a restart now would read every record again.
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed = h.committed(null);
            assertThat(committed.values()).allSatisfy(o -> assertThat(o.metadata()).startsWith(FlushPlans.PREFIX));
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isZero();
            // /health says why, and stays UP: the writer retries by itself, a restart would not help.
            HealthResult retrying = health(w);
            assertThat(retrying.getStatus()).isEqualTo(HealthStatus.UP);
            assertThat(details(retrying)).containsEntry("state", "running")
                    .hasEntrySatisfying("failedFlushAttempts", n -> assertThat((Integer) n).isGreaterThanOrEqualTo(4))
                    .hasEntrySatisfying("lastFlushError", m -> assertThat((String) m).startsWith("clickhouse: "));

            // Back, but invocations are still refused: the other tables go in, the flush waits for the last one.
            ch.up();
            ch.down("invocations");
            WriterHarness.stepUntil(w, h.clock, () -> h.count("SELECT count() FROM {db}.spans") == 36, TIMEOUT);
            assertThat(h.count("SELECT count() FROM {db}.invocations")).isZero();
            assertThat(committedTotal(h)).isZero();

            ch.up();
            WriterHarness.stepUntil(w, h.clock, () -> committedTotal(h) == MIX_RECORDS, TIMEOUT);
            assertThat(results(h)).containsEntry("spans", 36L).containsEntry("trace_index.spans", 36L)
                    .containsEntry("invocation rows", 18L).containsEntry("invocations", 12L)
                    .containsEntry("function_minute.invocations", 18L).containsEntry("edges_minute.calls", 24L)
                    .containsEntry("metric_points", 2L).containsEntry("logs", 2L).containsEntry("lambda_platform_events", 12L);
            assertThat(registry.get("fnscope.writer.paused").gauge().value()).isZero();
            assertThat(details(health(w))).containsOnlyKeys("state");

            // And the partitions were resumed: new records flow.
            sendMix(h, 2);
            WriterHarness.stepUntil(w, h.clock, () -> h.count("SELECT count() FROM {db}.spans") == 42, TIMEOUT);
        }
    }

    @Test
    void aFullDiskPausesTheWriterUntilThereIsSpaceAndDeadLettersNothing() {
        try (WriterHarness h = new WriterHarness()) {
            // The engine's own free-space check, set beyond any disk: its inserts fail as on a full disk
            // (NOT_ENOUGH_SPACE, 243). A full disk is the operator's to fix; the records are not at fault.
            String full = "ALTER TABLE " + h.db + ".spans MODIFY SETTING min_free_disk_bytes_to_perform_insert = "
                    + Long.MAX_VALUE / 2;
            h.clickHouse.execute(full);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            heldBack(h, w, registry);
            assertThat(h.count("SELECT count() FROM {db}.spans")).isZero();
            assertThat(committedTotal(h)).isZero();
            assertThat(details(health(w))).hasEntrySatisfying("lastFlushError",
                    m -> assertThat((String) m).startsWith("clickhouse: ").contains("NOT_ENOUGH_SPACE"));

            h.clickHouse.execute("ALTER TABLE " + h.db + ".spans MODIFY SETTING min_free_disk_bytes_to_perform_insert = 0");
            WriterHarness.stepUntil(w, h.clock, () -> committedTotal(h) == MIX_RECORDS, TIMEOUT);
            assertThat(results(h)).containsEntry("spans", 36L).containsEntry("trace_index.spans", 36L)
                    .containsEntry("invocation rows", 18L).containsEntry("edges_minute.calls", 24L);
            assertThat(registry.find("fnscope.writer.dead.letters").counter()).isNull();
            assertThat(registry.get("fnscope.writer.paused").gauge().value()).isZero();
        }
    }

    @Test
    void aTableRenamedAwayHoldsTheWriterBackUntilItIsBackAndDeadLettersNothing() {
        try (WriterHarness h = new WriterHarness()) {
            // An operator's mistake: the table the writer inserts into is gone (UNKNOWN_TABLE). The rows are not
            // at fault, and dead-lettering them would take every record off the path the fix reopens.
            h.clickHouse.execute("RENAME TABLE " + h.db + ".invocations TO " + h.db + ".invocations_away");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            heldBack(h, w, registry);
            assertThat(committedTotal(h)).isZero();
            assertThat(details(health(w))).hasEntrySatisfying("lastFlushError",
                    m -> assertThat((String) m).startsWith("clickhouse: ").contains("UNKNOWN_TABLE"));

            h.clickHouse.execute("RENAME TABLE " + h.db + ".invocations_away TO " + h.db + ".invocations");
            WriterHarness.stepUntil(w, h.clock, () -> committedTotal(h) == MIX_RECORDS, TIMEOUT);
            assertThat(results(h)).containsEntry("spans", 36L).containsEntry("invocation rows", 18L)
                    .containsEntry("invocations", 12L).containsEntry("function_minute.invocations", 18L);
            assertThat(registry.find("fnscope.writer.dead.letters").counter()).isNull();
        }
    }

    @Test
    void aRecordWhoseSpansSpreadOverManyDaysIsWrittenNotRetriedForever() {
        try (WriterHarness h = new WriterHarness()) {
            // A client with a broken clock (or a backfill): one request's spans over 150 days, ahead of now so that
            // the spans' 7-day retention keeps them all. Tables are
            // partitioned by day, and ClickHouse refuses an insert into more than 100 partitions by default with
            // TOO_MANY_PARTS, a code that otherwise means "merges are behind" and is retried: the partition would
            // be blocked for good, every tenant's records behind this one.
            String traces = h.topic(Signal.TRACES);
            Span[] spans = new Span[150];
            long day = 86_400_000_000_000L;
            for (int i = 0; i < spans.length; i++) {
                spans[i] = serverSpan(traceId(), "day-" + i, T0_NANOS + i * day, 5).build();
            }
            long last = h.send(record(traces, "acme", Signal.TRACES,
                    request(serviceResource("skewed"), spans).toByteArray(), spans.length), 0).offset();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            WriterHarness.stepUntil(w, h.clock, () -> h.committedOffset(traces, 0) == last + 1, TIMEOUT);
            assertThat(h.count("SELECT count() FROM {db}.spans")).isEqualTo(150);
            assertThat(h.count("SELECT uniqExact(toDate(start_time)) FROM {db}.spans")).isEqualTo(150);
            assertThat(h.count("SELECT count() FROM {db}.trace_index")).isEqualTo(150);
            assertThat(registry.find("fnscope.writer.retries").counter()).isNull();
            assertThat(registry.find("fnscope.writer.dead.letters").counter()).isNull();
        }
    }

    @Test
    void aWriterLoopEndedByAnErrorIsDownInLivenessWithTheError() throws InterruptedException {
        try (WriterHarness h = new WriterHarness()) {
            WriterSettings settings = h.settings().withFlush(Duration.ofMillis(500), 1, 512L * 1024 * 1024);
            Writer w = WriterFactory.build(h.cluster, h.clickHouse, h.pricer, settings,
                    new WriterMetrics(new SimpleMeterRegistry()), java.time.Clock.systemUTC());
            w.hook(() -> {
                throw new InternalError("a defect in the flush");
            });
            WriterRunner runner = new WriterRunner(w, Duration.ofSeconds(5));
            WriterHealth health = new WriterHealth(runner);
            assertThat(result(health).getStatus()).isEqualTo(HealthStatus.UP);
            runner.start();
            h.send(traceRecord(h, "orders", "req-1", T0_NANOS), 0);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (runner.failure() == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            HealthResult down = result(health);
            assertThat(down.getStatus()).isEqualTo(HealthStatus.DOWN);
            assertThat(details(down)).containsEntry("state", "failed")
                    .containsEntry("error", "java.lang.InternalError: a defect in the flush");
            runner.stop();
        }
    }

    /** Sends the mix and steps until its flush was retried three times, without a fallback or a dead letter. */
    private static void heldBack(WriterHarness h, Writer w, SimpleMeterRegistry registry) {
        sendMix(h, MIX_TRACES);
        takeAll(w, MIX_RECORDS);
        WriterHarness.stepUntil(w, h.clock, () -> registry.find("fnscope.writer.retries").counter() != null
                && registry.get("fnscope.writer.retries").counter().count() >= 3, TIMEOUT);
        assertThat(registry.get("fnscope.writer.retries").tags("cause", "clickhouse").counter().count())
                .isGreaterThanOrEqualTo(3);
        assertThat(registry.find("fnscope.writer.record.fallbacks").counter()).isNull();
        assertThat(registry.find("fnscope.writer.dead.letters").counter()).isNull();
    }

    private static HealthResult health(Writer w) {
        return result(new WriterHealth(new WriterRunner(w, Duration.ofSeconds(1))));
    }

    private static HealthResult result(WriterHealth health) {
        return Flux.from(health.getResult()).blockFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(HealthResult r) {
        return (Map<String, Object>) r.getDetails();
    }

    @Test
    void rowsClickHouseRefusesAreRetriedRecordByRecordAndOnlyTheRefusedRecordIsDeadLettered() {
        try (WriterHarness h = new WriterHarness()) {
            // A real refusal by the engine: a constraint (VIOLATED_CONSTRAINT is not retryable).
            h.clickHouse.execute("ALTER TABLE " + h.db + ".spans ADD CONSTRAINT no_poison CHECK name != 'poison'");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            String traces = h.topic(Signal.TRACES);
            h.send(traceRecord(h, "orders", "good-1", T0_NANOS), 0);
            var poison = request(serviceResource("svc"), serverSpan(traceId(), "poison", T0_NANOS, 1).build());
            long poisonOffset = h.send(record(traces, "acme", Signal.TRACES, poison.toByteArray(), 1), 0).offset();
            long last = h.send(traceRecord(h, "orders", "good-2", T0_NANOS), 0).offset();

            WriterHarness.stepUntil(w, h.clock, () -> h.committedOffset(traces, 0) == last + 1, TIMEOUT);
            assertThat(h.count("SELECT count() FROM {db}.spans")).isEqualTo(6);
            assertThat(h.count("SELECT count() FROM {db}.spans WHERE name = 'poison'")).isZero();
            List<ConsumerRecord<byte[], byte[]>> dead = h.deadLetters(1);
            assertThat(dead).hasSize(1);
            assertThat(header(dead.getFirst(), DeadLetters.OFFSET)).isEqualTo("" + poisonOffset);
            assertThat(header(dead.getFirst(), DeadLetters.REASON)).isEqualTo("insert_rejected");
            assertThat(header(dead.getFirst(), DeadLetters.ERROR)).contains("VIOLATED_CONSTRAINT").contains("no_poison");
            assertThat(registry.get("fnscope.writer.record.fallbacks").tags("table", "spans").counter().count()).isEqualTo(1);
            assertThat(registry.get("fnscope.writer.records").tags("signal", "traces", "outcome", "written").counter().count()).isEqualTo(2);
            assertThat(registry.get("fnscope.writer.records").tags("signal", "traces", "outcome", "dead_lettered").counter().count()).isEqualTo(1);
            assertThat(registry.get("fnscope.writer.dead.letters").tags("reason", "insert_rejected").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void partitionsMovingToASecondWriterAreWrittenOnceInAll() {
        try (WriterHarness h = new WriterHarness()) {
            Writer first = h.writer(h.settings(), new SimpleMeterRegistry());
            int n = 20;
            for (int i = 0; i < n; i++) {
                h.send(traceRecord(h, "orders", "req-" + UUID.randomUUID(), T0_NANOS + i), i % 2);
            }
            // The first writer holds everything, unflushed, when the second joins.
            takeAll(first, n);
            Writer second = h.writer(h.settings(), new SimpleMeterRegistry());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (committedTotal(h) < n && System.nanoTime() < deadline) {
                second.pollOnce();
                first.pollOnce();
                h.clock.advance(Duration.ofMillis(300));
            }
            assertThat(committedTotal(h)).isEqualTo(n);
            assertThat(results(h)).containsEntry("spans", 3L * n).containsEntry("trace_index.spans", 3L * n)
                    .containsEntry("invocation rows", (long) n).containsEntry("function_minute.invocations", (long) n);
            // Both got partitions.
            assertThat(h.count("SELECT count() FROM {db}.spans")).isEqualTo(3L * n);
        }
    }

    @Test
    void aPlannedBatchEndsAtItsPlanWhenMoreRecordsAreThere() {
        try (WriterHarness h = new WriterHarness()) {
            String traces = h.topic(Signal.TRACES);
            h.send(traceRecord(h, "orders", "a", T0_NANOS), 0);
            h.send(traceRecord(h, "orders", "b", T0_NANOS), 0);
            // A plan ending at offset 1 committed at 0, as a writer dying after planning [0, 1) would leave it.
            try (var admin = h.cluster.newAdmin()) {
                admin.alterConsumerGroupOffsets(h.group, Map.of(new org.apache.kafka.common.TopicPartition(traces, 0),
                        new OffsetAndMetadata(0, FlushPlans.PREFIX + 1))).all().get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Writer w = h.writer(h.settings().withFlush(Duration.ofMillis(1), 1_000_000, 512L << 20), new SimpleMeterRegistry());
            WriterHarness.stepUntil(w, h.clock, () -> h.committedOffset(traces, 0) == 2, TIMEOUT);
            assertThat(h.count("SELECT count() FROM {db}.spans")).isEqualTo(6);
        }
    }
}
