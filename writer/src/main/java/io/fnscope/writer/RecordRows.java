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
        TableBuffer[] open = new TableBuffer[3];
        try {
            int written;
            switch (batch.signal) {
                case TRACES -> {
                    ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(value);
                    TableBuffer.Spans spans = batch.spans();
                    TableBuffer.Invocations invocations = batch.invocations();
                    TableBuffer.EdgeCalls edgeCalls = batch.edgeCalls();
                    begin(open, index, spans, invocations, edgeCalls);
                    written = traces.write(h.tenant(), req, spans, invocations, edgeCalls).spans();
                }
                case METRICS -> {
                    ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(value);
                    TableBuffer.MetricPoints points = batch.metricPoints();
                    begin(open, index, points);
                    written = metrics.write(h.tenant(), req, points);
                }
                case LOGS -> {
                    ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(value);
                    TableBuffer.Logs logRows = batch.logs();
                    begin(open, index, logRows);
                    written = logs.write(h.tenant(), req, logRows);
                }
                case LAMBDA_PLATFORM -> {
                    LambdaPlatformBatch b = LambdaPlatformCodec.read(value);
                    TableBuffer.PlatformEvents events = batch.platformEvents();
                    TableBuffer.Invocations invocations = batch.invocations();
                    begin(open, index, events, invocations);
                    written = platform.write(h.tenant(), b, events, invocations).events();
                }
                default -> throw new IllegalStateException("no rows for signal " + batch.signal);
            }
            if (written == 0 && h.items() > 0) {
                // Bytes that happen to parse as an empty message (protobuf reads many byte strings as unknown fields).
                rollback(open);
                return new Rejection(DeadLetterReason.BAD_PAYLOAD, "the fnscope-items header announces " + h.items()
                        + " items but the value holds none: not an OTLP " + batch.signal.id() + " request");
            }
            commit(open);
            return null;
        } catch (InvalidProtocolBufferException e) {
            rollback(open);
            return new Rejection(DeadLetterReason.BAD_PAYLOAD, "not an OTLP " + batch.signal.id()
                    + " export request (protobuf): " + e.getMessage());
        } catch (IllegalArgumentException | ArithmeticException e) {
            rollback(open);
            return new Rejection(DeadLetterReason.BAD_PAYLOAD, e.getMessage());
        } catch (RuntimeException e) {
            rollback(open);
            throw e;
        }
    }

    /** {@code application/x-protobuf; charset=...} → {@code application/x-protobuf}. */
    static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** Marks the tables the record writes to ({@code open}, so that a failure can cut them all back). */
    private static void begin(TableBuffer[] open, int index, TableBuffer... tables) {
        for (int i = 0; i < tables.length; i++) {
            tables[i].begin(index);
            open[i] = tables[i];
        }
    }

    private static void commit(TableBuffer[] open) {
        for (TableBuffer b : open) {
            if (b != null) {
                b.commit();
            }
        }
    }

    private static void rollback(TableBuffer[] open) {
        for (TableBuffer b : open) {
            if (b != null) {
                b.rollback();
            }
        }
    }
}
