package io.fnscope.collector;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fnscope.pipeline.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtlpScannerTest {
    final CollectorSettings settings = CollectorSettings.defaults();
    final OtlpScanner scanner = new OtlpScanner(settings, Clock.systemUTC());

    @Test
    void validRequestNeedsNoChange() {
        byte[] body = TestObjects.traces(TestObjects.span("a").build(), TestObjects.span("b").build()).toByteArray();
        ScannedRequest req = scanner.scan(Signal.TRACES, body);
        assertThat(req.items).isEqualTo(2);
        assertThat(req.changed).isFalse();
        List<RecordAssembler.Part> parts = RecordAssembler.assemble(req, settings.maxRecordBytes());
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).value()).isSameAs(body);
    }

    @Test
    void nestedLongStringsAreFoundAndTruncated() throws Exception {
        AnyValue deep = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(KeyValue.newBuilder()
                .setKey("inner").setValue(AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                        .addValues(AnyValue.newBuilder().setStringValue("😀".repeat(10_000))))))).build();
        Span span = TestObjects.span("deep").addAttributes(KeyValue.newBuilder().setKey("k").setValue(deep)).build();
        ScannedRequest req = scanner.scan(Signal.TRACES, TestObjects.traces(span).toByteArray());
        assertThat(req.changed).isTrue();
        new ItemFixer(settings).apply(req);
        List<RecordAssembler.Part> parts = RecordAssembler.assemble(req, settings.maxRecordBytes());
        Span stored = ExportTraceServiceRequest.parseFrom(parts.get(0).value()).getResourceSpans(0).getScopeSpans(0).getSpans(0);
        String cut = stored.getAttributes(2).getValue().getKvlistValue().getValues(0).getValue().getArrayValue().getValues(0).getStringValue();
        // 16384 UTF-16 units would end inside a surrogate pair: the cut keeps whole characters.
        assertThat(cut).isEqualTo("😀".repeat(8192));
        assertThat(req.tally.limit(LimitKind.VALUE_TRUNCATED)).isEqualTo(1);
    }

    @Test
    void metricPointsAreCheckedOneByOne() throws Exception {
        Metric histogram = Metric.newBuilder().setName("latency").setHistogram(Histogram.newBuilder()
                .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(1).setCount(3)
                        .addAllExplicitBounds(List.of(1.0, 2.0)).addAllBucketCounts(List.of(1L, 1L, 1L))
                        .addExemplars(Exemplar.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])).setAsDouble(1)))
                .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(1).addAllExplicitBounds(List.of(1.0))
                        .addAllBucketCounts(List.of(1L, 1L, 1L)))).build();
        Metric unnamed = Metric.newBuilder().setSum(Sum.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(1))).build();
        byte[] body = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(histogram).addMetrics(unnamed))).build().toByteArray();

        ScannedRequest req = scanner.scan(Signal.METRICS, body);
        new ItemFixer(settings).apply(req);
        List<RecordAssembler.Part> parts = RecordAssembler.assemble(req, settings.maxRecordBytes());

        assertThat(req.items).isEqualTo(3);
        assertThat(req.tally.rejected(Reason.HISTOGRAM_BUCKETS)).isEqualTo(1);
        assertThat(req.tally.rejected(Reason.MISSING_METRIC_NAME)).isEqualTo(1);
        assertThat(req.tally.limit(LimitKind.EXEMPLAR_DROPPED)).isEqualTo(1);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).items()).isEqualTo(1);
        Metric stored = ExportMetricsServiceRequest.parseFrom(parts.get(0).value()).getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
        assertThat(stored.getHistogram().getDataPointsList()).containsExactly(histogram.getHistogram().getDataPoints(0)
                .toBuilder().clearExemplars().build());
    }

    @Test
    void itemsTooFarAheadOfTheClockAreRejectedAndTimesBeyondWhatTheStoreHoldsAlways() throws Exception {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        long nowNanos = now.getEpochSecond() * 1_000_000_000L;
        long day = Duration.ofDays(1).toNanos();
        OtlpScanner dayAhead = new OtlpScanner(settings, Clock.fixed(now, ZoneOffset.UTC));
        Span almostADay = TestObjects.span("ok").setStartTimeUnixNano(nowNanos + day - 2).setEndTimeUnixNano(nowNanos + day).build();
        Span endsTooLate = TestObjects.span("late end").setStartTimeUnixNano(nowNanos).setEndTimeUnixNano(nowNanos + day + 1).build();
        Span year2100 = TestObjects.span("2100").setStartTimeUnixNano(4_102_444_800_000_000_000L)
                .setEndTimeUnixNano(4_102_444_800_001_000_000L).build();
        // 2264: past Long.MAX_VALUE ns, stored as a DateTime64(9) it wrapped around to 1680 (tried before this check).
        Span year2264 = TestObjects.span("2264").setStartTimeUnixNano(Long.parseUnsignedLong("9300000000000000000"))
                .setEndTimeUnixNano(-1L).build();

        ScannedRequest req = dayAhead.scan(Signal.TRACES, TestObjects.traces(almostADay, endsTooLate, year2100, year2264).toByteArray());
        assertThat(req.items).isEqualTo(4);
        assertThat(req.tally.rejected(Reason.SPAN_TIME_AHEAD)).isEqualTo(3);
        assertThat(req.acceptedItems()).isEqualTo(1);

        OtlpScanner anyTime = new OtlpScanner(new CollectorSettings(true, 4318, 4317, 8388608, 10000, 128, 16384, 128,
                128, 1000000, 67108864L, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(10), null, null),
                Clock.fixed(now, ZoneOffset.UTC));
        req = anyTime.scan(Signal.TRACES, TestObjects.traces(almostADay, endsTooLate, year2100, year2264).toByteArray());
        assertThat(req.tally.rejected(Reason.SPAN_TIME_AHEAD)).as("max-time-ahead 0: only what cannot be stored").isEqualTo(1);

        byte[] logs = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
                .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(nowNanos))
                .addLogRecords(LogRecord.newBuilder().setObservedTimeUnixNano(nowNanos + 2 * day))
                .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(nowNanos + 2 * day).setObservedTimeUnixNano(nowNanos)))).build().toByteArray();
        req = dayAhead.scan(Signal.LOGS, logs);
        assertThat(req.tally.rejected(Reason.LOG_TIME_AHEAD)).isEqualTo(2);

        Metric gauge = Metric.newBuilder().setName("queue.depth").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nowNanos).setAsInt(3))
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nowNanos + 2 * day).setAsInt(4))).build();
        req = dayAhead.scan(Signal.METRICS, ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(gauge))).build().toByteArray());
        new ItemFixer(settings).apply(req);
        List<RecordAssembler.Part> parts = RecordAssembler.assemble(req, settings.maxRecordBytes());
        assertThat(req.tally.rejected(Reason.POINT_TIME_AHEAD)).isEqualTo(1);
        Metric stored = ExportMetricsServiceRequest.parseFrom(parts.get(0).value()).getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
        assertThat(stored.getGauge().getDataPointsList()).containsExactly(gauge.getGauge().getDataPoints(0));
    }

    @Test
    void logRecordsWithoutIdsAreFine() {
        byte[] body = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
                .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("x".repeat(50_000)))))).build().toByteArray();
        ScannedRequest req = scanner.scan(Signal.LOGS, body);
        assertThat(req.items).isEqualTo(1);
        assertThat(req.changed).as("log bodies are not truncated").isFalse();
    }

    @Test
    void malformedInputNamesTheProblem() {
        assertThatThrownBy(() -> scanner.scan(Signal.TRACES, new byte[]{0x0A, 0x05, 0x01}))
                .isInstanceOf(InvalidTelemetryException.class).hasMessage("the message is truncated");
        assertThatThrownBy(() -> scanner.scan(Signal.TRACES, new byte[]{0x00}))
                .hasMessage("a field has number 0");
        byte[] badUtf8 = TestObjects.traces(TestObjects.span("éé").build()).toByteArray();
        int at = indexOf(badUtf8, "éé".getBytes(StandardCharsets.UTF_8));
        badUtf8[at + 1] = (byte) 0x41; // breaks the first two-byte sequence
        assertThatThrownBy(() -> scanner.scan(Signal.TRACES, badUtf8)).hasMessage("a string field is not valid UTF-8");
        assertThatThrownBy(() -> ExportTraceServiceRequest.parseFrom(badUtf8)).isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void utf8RulesMatchProtobufs() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[random.nextInt(6)];
            random.nextBytes(b);
            boolean valid = ByteString.copyFrom(b).isValidUtf8();
            int units = Wire.utf16Length(b, 0, b.length);
            assertThat(units >= 0).as("validity of %s", java.util.HexFormat.of().formatHex(b)).isEqualTo(valid);
            if (valid) {
                assertThat(units).isEqualTo(new String(b, StandardCharsets.UTF_8).length());
            }
        }
    }

    /**
     * Whatever the scanner lets through, protobuf-java (the writer's decoder) must parse, and the scanner must not
     * refuse what protobuf parses: random corruptions of valid requests of every signal.
     */
    @Test
    void scannerAndProtobufAgreeOnCorruptedInput() {
        Random random = new Random(7);
        List<byte[]> seeds = List.of(
                TestObjects.traces(TestObjects.span("a").build(), TestObjects.span("b").setParentSpanId(TestObjects.spanId()).build()).toByteArray(),
                ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().setResource(TestObjects.resource("m"))
                        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("n").setSum(Sum.newBuilder()
                                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(5).setAsInt(1)
                                        .addAttributes(TestObjects.attr("a", "b"))))))).build().toByteArray(),
                ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
                        .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1).setTraceId(TestObjects.traceId())
                                .setBody(AnyValue.newBuilder().setStringValue("hello")).addAttributes(TestObjects.attr("k", 1))))).build().toByteArray());
        Signal[] signals = {Signal.TRACES, Signal.METRICS, Signal.LOGS};
        int checked = 0;
        for (int s = 0; s < seeds.size(); s++) {
            for (int i = 0; i < 20_000; i++) {
                byte[] b = seeds.get(s).clone();
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(10) == 0) {
                    b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
                }
                boolean scannerOk;
                try {
                    ScannedRequest req = scanner.scan(signals[s], b);
                    new ItemFixer(settings).apply(req);
                    for (RecordAssembler.Part p : RecordAssembler.assemble(req, settings.maxRecordBytes())) {
                        parse(signals[s], p.value()); // every record value the collector would send decodes
                    }
                    scannerOk = true;
                } catch (InvalidTelemetryException e) {
                    scannerOk = false;
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError("the collector would send a record the writer cannot decode", e);
                }
                boolean protobufOk;
                try {
                    parse(signals[s], b);
                    protobufOk = true;
                } catch (InvalidProtocolBufferException e) {
                    protobufOk = false;
                }
                assertThat(scannerOk).as("scanner vs protobuf on %s", java.util.HexFormat.of().formatHex(b)).isEqualTo(protobufOk);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(60_000);
    }

    private static void parse(Signal signal, byte[] b) throws InvalidProtocolBufferException {
        switch (signal) {
            case TRACES -> ExportTraceServiceRequest.parseFrom(b);
            case METRICS -> ExportMetricsServiceRequest.parseFrom(b);
            default -> ExportLogsServiceRequest.parseFrom(b);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
