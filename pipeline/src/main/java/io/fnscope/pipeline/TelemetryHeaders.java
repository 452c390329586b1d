package io.fnscope.pipeline;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The Kafka headers every telemetry record carries: the contract between collector and writer.
 *
 * <p>The record value is the validated payload; these headers say whose it is and how to read it, so the writer
 * never needs to decode a payload to route or account for it.
 *
 * @param tenant      the tenant the ingest key mapped to; every row written from this record carries it
 * @param signal      which kind of payload the value holds
 * @param contentType the value's media type: {@value #PROTOBUF} for OTLP, {@value #JSON} for Lambda platform events
 * @param batchId     unique per record, assigned by the collector; lets the writer recognise a record it has seen
 * @param receivedAtMillis when the collector accepted the data (epoch ms), to measure end-to-end freshness
 * @param items       spans, data points, log records or platform events in the value, for accounting
 */
public record TelemetryHeaders(String tenant, Signal signal, String contentType, UUID batchId,
                               long receivedAtMillis, int items) {
    public static final String TENANT = "fnscope-tenant";
    public static final String SIGNAL = "fnscope-signal";
    public static final String CONTENT_TYPE = "content-type";
    public static final String BATCH_ID = "fnscope-batch-id";
    public static final String RECEIVED_AT = "fnscope-received-at";
    public static final String ITEMS = "fnscope-items";

    public static final String PROTOBUF = "application/x-protobuf";
    public static final String JSON = "application/json";

    public Headers toKafka() {
        RecordHeaders h = new RecordHeaders();
        h.add(TENANT, utf8(tenant));
        h.add(SIGNAL, utf8(signal.id()));
        h.add(CONTENT_TYPE, utf8(contentType));
        h.add(BATCH_ID, utf8(batchId.toString()));
        h.add(RECEIVED_AT, utf8(Long.toString(receivedAtMillis)));
        h.add(ITEMS, utf8(Integer.toString(items)));
        return h;
    }

    /**
     * Reads the headers back.
     *
     * @throws IllegalArgumentException naming the missing or malformed header; the writer dead-letters such records
     */
    public static TelemetryHeaders fromKafka(Headers headers) {
        return new TelemetryHeaders(
                required(headers, TENANT),
                Signal.fromId(required(headers, SIGNAL)),
                required(headers, CONTENT_TYPE),
                parse(headers, BATCH_ID, UUID::fromString),
                parse(headers, RECEIVED_AT, Long::parseLong),
                parse(headers, ITEMS, Integer::parseInt));
    }

    private static String required(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        if (h == null || h.value() == null || h.value().length == 0) {
            throw new IllegalArgumentException("Kafka record has no '" + key + "' header");
        }
        return StandardCharsets.UTF_8.decode(ByteBuffer.wrap(h.value())).toString();
    }

    private static <T> T parse(Headers headers, String key, java.util.function.Function<String, T> parser) {
        String raw = required(headers, key);
        try {
            return parser.apply(raw);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Kafka record header '" + key + "' is malformed: '" + raw + "'", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
