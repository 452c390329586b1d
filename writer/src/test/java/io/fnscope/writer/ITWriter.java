package io.fnscope.writer;

import com.google.protobuf.ByteString;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.fnscope.writer.TestObjects.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The consumer loop against a real Kafka broker and the embedded ClickHouse engine: records become rows, offsets
 * are committed after the rows, bad records are dead-lettered, and a writer killed between insert and commit is
 * replaced by one that changes no query result.
 */
class ITWriter {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A Lambda-style trace: the invocation's server span, a DynamoDB call, an SQS send. */
    static ExportTraceServiceRequest lambdaTrace(String function, String requestId, long startNanos) {
        ByteString trace = traceId();
        Span entry = serverSpan(trace, "POST /orders", startNanos, 80)
                .addAttributes(attr("faas.invocation_id", requestId))
                .addAttributes(attr("faas.trigger", "http"))
                .addAttributes(attr("http.route", "/orders"))
                .build();
        Span db = Span.newBuilder().setTraceId(trace).setSpanId(spanId()).setParentSpanId(entry.getSpanId())
                .setName("DynamoDB.PutItem").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(startNanos + 5_000_000).setEndTimeUnixNano(startNanos + 25_000_000)
                .addAttributes(attr("db.system", "dynamodb")).addAttributes(attr("aws.dynamodb.table_names", "orders"))
                .build();
        Span send = Span.newBuilder().setTraceId(trace).setSpanId(spanId()).setParentSpanId(entry.getSpanId())
                .setName("orders-queue send").setKind(Span.SpanKind.SPAN_KIND_PRODUCER)
                .setStartTimeUnixNano(startNanos + 30_000_000).setEndTimeUnixNano(startNanos + 40_000_000)
                .addAttributes(attr("messaging.system", "aws_sqs"))
                .addAttributes(attr("messaging.destination.name", "orders-queue"))
                .addAttributes(attr("messaging.message.id", UUID.randomUUID().toString()))
                .build();
        return request(lambdaResource(function, "us-east-1", "arm64", 512), entry, db, send);
    }

    static ProducerRecord<byte[], byte[]> traceRecord(WriterHarness h, String function, String requestId, long start) {
        return record(h.topic(Signal.TRACES), "acme", Signal.TRACES, lambdaTrace(function, requestId, start).toByteArray(), 3);
    }

    static ProducerRecord<byte[], byte[]> metricRecord(WriterHarness h, String service) {
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(serviceResource(service)).addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder()
                        .setName("queue.depth").setGauge(Gauge.newBuilder().addDataPoints(
                                NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsInt(3)))))).build();
        return record(h.topic(Signal.METRICS), "acme", Signal.METRICS, req.toByteArray(), 1);
    }

    static ProducerRecord<byte[], byte[]> logRecord(WriterHarness h, String service) {
        ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(serviceResource(service)).addScopeLogs(ScopeLogs.newBuilder().addLogRecords(
                        LogRecord.newBuilder().setTimeUnixNano(T0_NANOS).setBody(AnyValue.newBuilder().setStringValue("hi")))))
                .build();
        return record(h.topic(Signal.LOGS), "acme", Signal.LOGS, req.toByteArray(), 1);
    }

    static ProducerRecord<byte[], byte[]> reportRecord(WriterHarness h, String function, String requestId, java.time.Instant t) {
        return record(h.topic(Signal.LAMBDA_PLATFORM), "acme", Signal.LAMBDA_PLATFORM,
                platform(function(function), start(t, requestId, null), report(t.plusMillis(90), requestId, "success",
                        85.5, 86, 512, 70, null)), 2);
    }

    /** What users would see: every count and sum the query API reads. */
    static Map<String, Long> results(WriterHarness h) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("spans", h.count("SELECT count() FROM {db}.spans"));
        m.put("trace_index.spans", h.count("SELECT sum(spans) FROM {db}.trace_index"));
        m.put("traces", h.count("SELECT uniqExact(trace_id) FROM {db}.trace_index"));
        m.put("span_links", h.count("SELECT count() FROM {db}.span_links"));
        m.put("messages", h.count("SELECT count() FROM {db}.messages"));
        m.put("invocation rows", h.count("SELECT count() FROM {db}.invocations"));
        m.put("invocations", h.count("SELECT count() FROM (SELECT 1 FROM {db}.invocations GROUP BY tenant, function, invocation_id)"));
        m.put("function_minute.invocations", h.count("SELECT sum(invocations) FROM {db}.function_minute"));
        m.put("edges_minute.calls", h.count("SELECT sum(calls) FROM {db}.edges_minute"));
        m.put("metric_points", h.count("SELECT count() FROM {db}.metric_points"));
        m.put("logs", h.count("SELECT count() FROM {db}.logs"));
        m.put("lambda_platform_events", h.count("SELECT count() FROM {db}.lambda_platform_events"));
        return m;
    }

    @Test
    void recordsOfEverySignalBecomeRowsAndOffsetsAreCommittedAfterThem() {
        try (WriterHarness h = new WriterHarness()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            for (int i = 0; i < 10; i++) {
                h.send(traceRecord(h, "orders", "req-" + i, T0_NANOS + i * 1_000_000_000L));
            }
            h.send(metricRecord(h, "orders"));
            h.send(logRecord(h, "orders"));
            h.send(reportRecord(h, "orders", "req-0", T0));

            WriterHarness.stepUntil(w, h.clock, () -> h.count("SELECT count() FROM {db}.lambda_platform_events") == 2
                    && h.count("SELECT count() FROM {db}.spans") == 30 && h.count("SELECT count() FROM {db}.logs") == 1
                    && h.count("SELECT count() FROM {db}.metric_points") == 1, TIMEOUT);
            WriterHarness.stepUntil(w, h.clock, () -> committedTotal(h) == 13, TIMEOUT);

            Map<String, Long> r = results(h);
            assertThat(r).containsEntry("spans", 30L).containsEntry("trace_index.spans", 30L).containsEntry("traces", 10L)
                    .containsEntry("messages", 10L).containsEntry("invocations", 10L)
                    // 10 span halves + 1 report half (req-0 has both)
                    .containsEntry("invocation rows", 11L)
                    .containsEntry("function_minute.invocations", 11L) // 10 from spans, 1 from reports: readers pick per minute
                    .containsEntry("edges_minute.calls", 20L) // dynamodb + sqs per trace
                    .containsEntry("metric_points", 1L).containsEntry("logs", 1L);
            // Committed offsets carry no plan once the flush is done.
            h.committed(h.topic(Signal.TRACES)).forEach((tp, o) -> assertThat(o.metadata()).isEmpty());
            assertThat(registry.get("fnscope.writer.records").tags("signal", "traces", "outcome", "written").counter().count())
                    .isEqualTo(10);
            assertThat(registry.get("fnscope.writer.items").tags("signal", "traces", "outcome", "written").counter().count())
                    .isEqualTo(30);
            assertThat(registry.get("fnscope.writer.rows").tags("table", "spans").counter().count()).isEqualTo(30);
            assertThat(registry.get("fnscope.writer.rows").tags("table", "invocations").counter().count()).isEqualTo(11);
            assertThat(registry.get("fnscope.writer.freshness").timer().count()).isEqualTo(13);
            assertThat(registry.find("fnscope.writer.lag.records").gauges()).hasSize(4 * WriterHarness.PARTITIONS);
        }
    }

    static long committedTotal(WriterHarness h) {
        return h.committed(null).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }

    @Test
    void afterAFlushTheListenerIsToldHowItsTracesConnect() {
        try (WriterHarness h = new WriterHarness()) {
            Writer w = h.writer(h.settings(), new SimpleMeterRegistry());
            List<Map<String, List<ConnectedTracesListener.Edge>>> told = new java.util.concurrent.CopyOnWriteArrayList<>();
            w.connectedTraces(told::add);
            ByteString producer = traceId();
            ByteString consumer = traceId();
            ByteString alone = traceId();
            Span send = serverSpan(producer, "orders send", T0_NANOS, 5).setKind(Span.SpanKind.SPAN_KIND_PRODUCER)
                    .addAttributes(attr("messaging.message.id", "m-1")).build();
            Span process = serverSpan(consumer, "orders process", T0_NANOS + 1_000_000_000L, 5)
                    .setKind(Span.SpanKind.SPAN_KIND_CONSUMER).addAttributes(attr("messaging.message.id", "m-1"))
                    .addLinks(Span.Link.newBuilder().setTraceId(producer).setSpanId(send.getSpanId())).build();
            Span inner = serverSpan(alone, "GET /", T0_NANOS, 5) // links only inside its own trace
                    .addLinks(Span.Link.newBuilder().setTraceId(alone).setSpanId(spanId())).build();
            h.send(record(h.topic(Signal.TRACES), "acme", Signal.TRACES,
                    request(serviceResource("orders"), send, process, inner).toByteArray(), 3));
            WriterHarness.stepUntil(w, h.clock, () -> !told.isEmpty(), TIMEOUT);
            assertThat(told).containsExactly(Map.of("acme", List.of(
                    new ConnectedTracesListener.Edge(Ids.hex(producer), "m:m-1", T0_NANOS),
                    new ConnectedTracesListener.Edge(Ids.hex(consumer), Ids.hex(producer), T0_NANOS + 1_000_000_000L),
                    new ConnectedTracesListener.Edge(Ids.hex(consumer), "m:m-1", T0_NANOS + 1_000_000_000L))));
        }
    }

    @Test
    void undecodableRecordsAreDeadLetteredAndTheirPartitionGoesOn() {
        try (WriterHarness h = new WriterHarness()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer w = h.writer(h.settings(), registry);
            String traces = h.topic(Signal.TRACES);
            // All on partition 0, bad ones between good ones.
            h.send(traceRecord(h, "orders", "ok-1", T0_NANOS), 0);
            var garbage = record(traces, "acme", Signal.TRACES, utf8("this is not protobuf"), 5);
            long garbageOffset = h.send(garbage, 0).offset();
            h.send(new ProducerRecord<>(traces, 0, (byte[]) null, lambdaTrace("orders", "x", T0_NANOS).toByteArray(),
                    new RecordHeaders().add("content-type", utf8("application/x-protobuf"))), 0);
            h.send(record(traces, "acme", Signal.METRICS, lambdaTrace("orders", "y", T0_NANOS).toByteArray(), 3), 0);
            var wrongType = record(traces, "acme", Signal.TRACES, lambdaTrace("orders", "z", T0_NANOS).toByteArray(), 3);
            wrongType.headers().remove(TelemetryHeaders.CONTENT_TYPE).add(TelemetryHeaders.CONTENT_TYPE, utf8("application/json"));
            h.send(wrongType, 0);
            // Spans with edges, then one with a 3-byte trace id: none of the record's rows may stay behind.
            var half = lambdaTrace("orders", "half", T0_NANOS).toBuilder();
            half.getResourceSpansBuilder(0).getScopeSpansBuilder(0).addSpans(Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3})).setSpanId(spanId()).setName("bad"));
            long halfOffset = h.send(record(traces, "acme", Signal.TRACES, half.build().toByteArray(), 4), 0).offset();
            // A platform batch that is JSON but not the documented document.
            h.send(record(h.topic(Signal.LAMBDA_PLATFORM), "acme", Signal.LAMBDA_PLATFORM, utf8("[{\"type\":\"platform.report\"}]"), 1), 0);
            long lastOffset = h.send(traceRecord(h, "orders", "ok-2", T0_NANOS), 0).offset();

            WriterHarness.stepUntil(w, h.clock, () -> h.committedOffset(traces, 0) == lastOffset + 1
                    && h.committedOffset(h.topic(Signal.LAMBDA_PLATFORM), 0) == 1, TIMEOUT);

            assertThat(h.count("SELECT count() FROM {db}.spans")).isEqualTo(6);
            assertThat(h.count("SELECT count() FROM {db}.invocations")).isEqualTo(2);
            assertThat(h.count("SELECT sum(calls) FROM {db}.edges_minute")).isEqualTo(4); // dynamodb + sqs of ok-1, ok-2
            List<ConsumerRecord<byte[], byte[]>> dead = h.deadLetters(6);
            assertThat(dead).hasSize(6);
            Map<String, String> reasons = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                reasons.put(header(d, DeadLetters.OFFSET) + "@" + header(d, DeadLetters.TOPIC), header(d, DeadLetters.REASON)
                        + ": " + header(d, DeadLetters.ERROR));
            }
            assertThat(reasons.get(garbageOffset + "@" + traces)).startsWith("bad_payload: not an OTLP traces export request (protobuf): ");
            assertThat(reasons.get((garbageOffset + 1) + "@" + traces)).isEqualTo("bad_headers: Kafka record has no 'fnscope-tenant' header");
            assertThat(reasons.get((garbageOffset + 2) + "@" + traces)).isEqualTo("wrong_topic: record says signal 'metrics' but arrived on "
                    + traces + ", which carries 'traces'");
            assertThat(reasons.get((garbageOffset + 3) + "@" + traces)).isEqualTo("bad_content_type: content-type 'application/json' on "
                    + traces + "; the writer reads application/x-protobuf there");
            assertThat(reasons.get("0@" + h.topic(Signal.LAMBDA_PLATFORM))).isEqualTo("bad_payload: Lambda platform batch must be a JSON object");
            assertThat(reasons.get(halfOffset + "@" + traces)).startsWith("bad_payload: ").contains("trace_id");
            // The dead letter is the record as it was, with its original headers.
            ConsumerRecord<byte[], byte[]> g = dead.stream().filter(d -> header(d, DeadLetters.OFFSET).equals("" + garbageOffset)).findFirst().orElseThrow();
            assertThat(new String(g.value(), StandardCharsets.UTF_8)).isEqualTo("this is not protobuf");
            assertThat(header(g, TelemetryHeaders.TENANT)).isEqualTo("acme");
            assertThat(header(g, DeadLetters.PARTITION)).isEqualTo("0");

            assertThat(registry.get("fnscope.writer.dead.letters").tags("reason", "bad_payload").counter().count()).isEqualTo(3);
            assertThat(registry.get("fnscope.writer.dead.letters").tags("reason", "bad_headers").counter().count()).isEqualTo(1);
            assertThat(registry.get("fnscope.writer.dead.letters").tags("reason", "wrong_topic").counter().count()).isEqualTo(1);
            assertThat(registry.get("fnscope.writer.dead.letters").tags("reason", "bad_content_type").counter().count()).isEqualTo(1);
            assertThat(registry.get("fnscope.writer.records").tags("signal", "traces", "outcome", "dead_lettered").counter().count()).isEqualTo(5);
            assertThat(registry.get("fnscope.writer.records").tags("signal", "traces", "outcome", "written").counter().count()).isEqualTo(2);
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * The writer dies after its inserts and before its commit; a new writer in the same group reads the plan from
     * the committed metadata, repeats the same batches, and ClickHouse drops the repeats: no query result changes.
     */
    @Test
    void aWriterKilledBetweenInsertAndCommitIsReplacedWithoutDuplicates() {
        try (WriterHarness h = new WriterHarness()) {
            sendMix(h, MIX_TRACES);
            Writer first = h.writer(h.settings(), new SimpleMeterRegistry());
            first.hook(() -> {
                throw new IllegalStateException("killed between insert and commit");
            });
            takeAll(first, MIX_RECORDS);
            assertThatThrownBy(() -> WriterHarness.stepUntil(first, h.clock, () -> false, TIMEOUT))
                    .hasMessage("killed between insert and commit");
            Map<String, Long> afterCrash = results(h);
            assertThat(afterCrash.get("spans")).isGreaterThan(0);
            // The start offsets were committed with the plan; the ends never were.
            Map<TopicPartition, OffsetAndMetadata> plans = h.committed(null);
            assertThat(plans.values()).isNotEmpty().allSatisfy(o -> assertThat(o.metadata()).startsWith(FlushPlans.PREFIX));
            first.closeWithoutCommitting(); // the process is gone: nothing more is committed

            // The replacement reads one record per poll and flushes on size (one row) as soon as it can: without the
            // plan its first batches would have other boundaries, other tokens, and duplicate every row.
            WriterSettings eager = h.settings().withFlush(Duration.ofMillis(1), 1, 1024).withMaxPollRecords(1);
            Writer second = h.writer(eager, new SimpleMeterRegistry());
            WriterHarness.stepUntil(second, h.clock, () -> committedTotal(h) == plannedTotal(plans), TIMEOUT);
            assertThat(results(h)).isEqualTo(afterCrash);

            // And it goes on normally afterwards.
            sendMix(h, 2);
            WriterHarness.stepUntil(second, h.clock, () -> h.count("SELECT count() FROM {db}.logs") == afterCrash.get("logs") + 1
                    && h.count("SELECT count() FROM {db}.spans") == afterCrash.get("spans") + 6, TIMEOUT);
            assertThat(h.count("SELECT count() FROM {db}.spans")).isEqualTo(afterCrash.get("spans") + 6);
        }
    }

    /**
     * The writer dies after its inserts and after writing their batch ids, before its commit: the replacement repeats
     * the planned batches, finds every batch id written and inserts nothing; nothing is lost either.
     */
    @Test
    void aWriterKilledAfterWritingTheBatchIdsIsReplacedWithoutDuplicates() {
        try (WriterHarness h = new WriterHarness()) {
            sendMix(h, MIX_TRACES);
            Writer first = h.writer(h.settings(), new SimpleMeterRegistry());
            first.hook(new Writer.FlushHook() {
                @Override
                public void afterInserts() {
                }

                @Override
                public void afterBatchIds() {
                    throw new IllegalStateException("killed after writing the batch ids");
                }
            });
            takeAll(first, MIX_RECORDS);
            assertThatThrownBy(() -> WriterHarness.stepUntil(first, h.clock, () -> false, TIMEOUT))
                    .hasMessage("killed after writing the batch ids");
            Map<String, Long> afterCrash = results(h);
            // Everything is in: one flush held every record.
            assertThat(afterCrash).containsEntry("spans", 36L).containsEntry("trace_index.spans", 36L)
                    .containsEntry("invocation rows", 18L).containsEntry("function_minute.invocations", 18L)
                    .containsEntry("edges_minute.calls", 24L).containsEntry("metric_points", 2L)
                    .containsEntry("logs", 2L).containsEntry("lambda_platform_events", 12L);
            assertThat(h.count("SELECT count() FROM {db}.written_batches")).isEqualTo(MIX_RECORDS);
            Map<TopicPartition, OffsetAndMetadata> plans = h.committed(null);
            assertThat(plans.values()).isNotEmpty().allSatisfy(o -> assertThat(o.metadata()).startsWith(FlushPlans.PREFIX));
            first.closeWithoutCommitting();

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Writer second = h.writer(h.settings().withFlush(Duration.ofMillis(1), 1, 1024).withMaxPollRecords(1), registry);
            WriterHarness.stepUntil(second, h.clock, () -> committedTotal(h) == plannedTotal(plans), TIMEOUT);
            assertThat(results(h)).isEqualTo(afterCrash);
            assertThat(registry.find("fnscope.writer.records").tag("outcome", "duplicate").counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isEqualTo(MIX_RECORDS);
            assertThat(registry.find("fnscope.writer.rows").tag("table", "spans").counter()).isNull();

            // And it goes on normally afterwards.
            sendMix(h, 2);
            WriterHarness.stepUntil(second, h.clock, () -> h.count("SELECT count() FROM {db}.logs") == 3
                    && h.count("SELECT count() FROM {db}.spans") == 42, TIMEOUT);
            assertThat(h.count("SELECT count() FROM {db}.spans")).isEqualTo(42);
        }
    }

    /** Why the plan is committed: the same crash, with the plan lost, duplicates what the first writer inserted. */
    @Test
    void withoutThePlanARedeliveredBatchWithOtherBoundariesIsWrittenTwice() {
        try (WriterHarness h = new WriterHarness()) {
            sendMix(h, MIX_TRACES);
            Writer first = h.writer(h.settings(), new SimpleMeterRegistry());
            first.hook(() -> {
                throw new IllegalStateException("killed between insert and commit");
            });
            takeAll(first, MIX_RECORDS);
            assertThatThrownBy(() -> WriterHarness.stepUntil(first, h.clock, () -> false, TIMEOUT))
                    .hasMessage("killed between insert and commit");
            Map<String, Long> afterCrash = results(h);
            Map<TopicPartition, OffsetAndMetadata> plans = h.committed(null);
            first.closeWithoutCommitting();
            // What a writer without plans would have committed: the start offsets, nothing else.
            try (var admin = h.cluster.newAdmin()) {
                Map<TopicPartition, OffsetAndMetadata> bare = new java.util.HashMap<>();
                plans.forEach((tp, o) -> bare.put(tp, new OffsetAndMetadata(o.offset(), "")));
                admin.alterConsumerGroupOffsets(h.group, bare).all().get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Writer second = h.writer(h.settings().withFlush(Duration.ofMillis(1), 1, 1024).withMaxPollRecords(1),
                    new SimpleMeterRegistry());
            WriterHarness.stepUntil(second, h.clock, () -> committedTotal(h) == plannedTotal(plans), TIMEOUT);
            Map<String, Long> after = results(h);
            assertThat(after.get("spans")).isEqualTo(2 * afterCrash.get("spans"));
            assertThat(after.get("function_minute.invocations")).isEqualTo(2 * afterCrash.get("function_minute.invocations"));
            assertThat(after.get("invocations")).isEqualTo(afterCrash.get("invocations")); // readers GROUP BY the key
        }
    }

    static final int MIX_TRACES = 12;
    /** Records {@link #sendMix} sends for {@link #MIX_TRACES} traces. */
    static final int MIX_RECORDS = 12 + 6 + 2 + 2;

    /**
     * Traces, reports for every other one, a metric and a log record every sixth, spread over both partitions of
     * each topic (so that every trace and report partition holds several records).
     */
    static void sendMix(WriterHarness h, int traces) {
        for (int i = 0; i < traces; i++) {
            String id = "req-" + UUID.randomUUID();
            h.send(traceRecord(h, "orders", id, T0_NANOS + i * 1_000_000L), i % 2);
            if (i % 2 == 0) {
                h.send(reportRecord(h, "orders", id, T0.plusMillis(i)), (i / 2) % 2);
            }
            if (i % 6 == 0) {
                h.send(metricRecord(h, "orders"), (i / 6) % 2);
                h.send(logRecord(h, "orders"), (i / 6) % 2);
            }
        }
    }

    /** Polls (the clock standing still, so nothing flushes) until the writer holds {@code n} records. */
    static void takeAll(Writer w, int n) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int taken = 0;
        while (taken < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("took " + taken + " of " + n + " records");
            }
            taken += w.pollOnce();
        }
    }

    static long plannedTotal(Map<TopicPartition, OffsetAndMetadata> plans) {
        return plans.values().stream().mapToLong(o -> FlushPlans.endIn(o)).sum();
    }
}
