package io.fnscope.writer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.TelemetryHeaders;
import io.fnscope.pipeline.lambda.LambdaPlatformBatch;
import io.fnscope.pipeline.lambda.LambdaPlatformCodec;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;


/**
 * Decodes one Kafka record and appends its rows to its partition's batch, or says why it cannot: the row
 * conversion of the writer, apart from the consumer loop (habit 9). Rows are a function of the record alone (no
 * clock, no state carried between records), so a redelivered batch produces the same bytes and its inserts carry
 * the same deduplication tokens.
 *
 * <p>A record that fails half-way leaves nothing behind: its rows are rolled back from every table buffer.
 *
 * <p>Not thread-safe; one per writer.
 */
final class RecordRows {
    private final TraceRows traces;
    private final MetricRows metrics = new MetricRows();
    private final LogRows logs = new LogRows();
    private final PlatformRows platform;

    /** Why a record cannot be stored. */
    record Rejection(DeadLetterReason reason, String message) {
    }

    RecordRows(InvocationPricer pricer) {
        this.traces = new TraceRows(pricer);
        this.platform = new PlatformRows(pricer);
    }

    /** Collects span edges for a {@code ConnectedTracesListener}; without one, no edge work is done per span. */
    void collectTraceEdges() {
        traces.collectEdges = true;
    }

    /**
     * Appends the rows of record {@code index} of {@code batch}.
     *
     * @return null when the rows were appended, else why the record must be dead-lettered
     */
    Rejection append(ConsumerRecord<byte[], byte[]> record, PartitionBatch batch, int index) {
        TelemetryHeaders h;
        try {
            h = TelemetryHeaders.fromKafka(record.headers());
        } catch (IllegalArgumentException e) {
            return new Rejection(DeadLetterReason.BAD_HEADERS, e.getMessage());
        }
        batch.describe(index, h.receivedAtMillis(), h.items(), h.tenant(), h.batchId());
        if (h.signal() != batch.signal) {
            return new Rejection(DeadLetterReason.WRONG_TOPIC, "record says signal '" + h.signal().id()
                    + "' but arrived on " + record.topic() + ", which carries '" + batch.signal.id() + "'");
        }
        String expected = batch.signal == Signal.LAMBDA_PLATFORM ? TelemetryHeaders.JSON : TelemetryHeaders.PROTOBUF;
        if (!mediaType(h.contentType()).equals(expected)) {
            return new Rejection(DeadLetterReason.BAD_CONTENT_TYPE, "content-type '" + h.contentType() + "' on "
                    + record.topic() + "; the writer reads " + expected + " there");
        }
        byte[] value = record.value();
        if (value == null) {
            return new Rejection(DeadLetterReason.BAD_PAYLOAD, "record has no value");
        }
        TableBuffer first = null;
        TableBuffer second = null;
        try {
            int written;
            switch (batch.signal) {
                case TRACES -> {
                    ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(value);
                    TableBuffer.Spans spans = batch.spans();
                    TableBuffer.Invocations invocations = batch.invocations();
                    first = begin(spans, index);
                    second = begin(invocations, index);
                    written = traces.write(h.tenant(), req, spans, invocations).spans();
                }
                case METRICS -> {
                    ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(value);
                    TableBuffer.MetricPoints points = batch.metricPoints();
                    first = begin(points, index);
                    written = metrics.write(h.tenant(), req, points);
                }
                case LOGS -> {
                    ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(value);
                    TableBuffer.Logs logRows = batch.logs();
                    first = begin(logRows, index);
                    written = logs.write(h.tenant(), req, logRows);
                }
                case LAMBDA_PLATFORM -> {
                    LambdaPlatformBatch b = LambdaPlatformCodec.read(value);
                    TableBuffer.PlatformEvents events = batch.platformEvents();
                    TableBuffer.Invocations invocations = batch.invocations();
                    first = begin(events, index);
                    second = begin(invocations, index);
                    written = platform.write(h.tenant(), b, events, invocations).events();
                }
                default -> throw new IllegalStateException("no rows for signal " + batch.signal);
            }
            if (written == 0 && h.items() > 0) {
                // Bytes that happen to parse as an empty message (protobuf reads many byte strings as unknown fields).
                rollback(first, second);
                return new Rejection(DeadLetterReason.BAD_PAYLOAD, "the fnscope-items header announces " + h.items()
                        + " items but the value holds none: not an OTLP " + batch.signal.id() + " request");
            }
            commit(first, second);
            return null;
        } catch (InvalidProtocolBufferException e) {
            rollback(first, second);
            return new Rejection(DeadLetterReason.BAD_PAYLOAD, "not an OTLP " + batch.signal.id()
                    + " export request (protobuf): " + e.getMessage());
        } catch (IllegalArgumentException | ArithmeticException e) {
            rollback(first, second);
            return new Rejection(DeadLetterReason.BAD_PAYLOAD, e.getMessage());
        } catch (RuntimeException e) {
            rollback(first, second);
            throw e;
        }
    }

    /** {@code application/x-protobuf; charset=...} → {@code application/x-protobuf}. */
    static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static TableBuffer begin(TableBuffer b, int index) {
        b.begin(index);
        return b;
    }

    private static void commit(TableBuffer a, TableBuffer b) {
        if (a != null) {
            a.commit();
        }
        if (b != null) {
            b.commit();
        }
    }

    private static void rollback(TableBuffer a, TableBuffer b) {
        if (a != null) {
            a.rollback();
        }
        if (b != null) {
            b.rollback();
        }
    }
}
