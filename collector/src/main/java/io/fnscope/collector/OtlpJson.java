package io.fnscope.collector;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.RetryInfo;
import io.fnscope.pipeline.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP/JSON to and from protobuf. Protobuf's {@link JsonFormat} reads the rest of OTLP/JSON as the specification
 * defines it (lowerCamelCase or original field names, enums as integers, 64-bit integers as strings or numbers,
 * unknown fields ignored), but it reads {@code bytes} fields as base64, while OTLP/JSON writes trace and span ids as
 * hex. A hex id is also valid base64, so JsonFormat would silently turn a 32-character trace id into 24 wrong bytes.
 * The ids (span, parent, link, log record and exemplar ids) are therefore rewritten from hex to base64 first.
 */
final class OtlpJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .omittingInsignificantWhitespace()
            .usingTypeRegistry(TypeRegistry.newBuilder().add(RetryInfo.getDescriptor()).build());
    private static final HexFormat HEX = HexFormat.of();
    private static final String[] DATA = {"gauge", "sum", "histogram", "exponentialHistogram", "exponential_histogram", "summary"};

    private OtlpJson() {
    }

    /**
     * @throws InvalidTelemetryException naming what is wrong: not JSON, not an export request, an id that is not hex
     */
    static byte[] toProtobuf(Signal signal, byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidTelemetryException("the body is not valid JSON: " + jsonError(e));
        } catch (java.io.IOException e) {
            throw new InvalidTelemetryException("the body is not valid JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return new byte[0];
        }
        if (!root.isObject()) {
            throw new InvalidTelemetryException("the body must be a JSON object (an OTLP/JSON " + requestName(signal) + ")");
        }
        switch (signal) {
            case TRACES -> each(root, "resourceSpans", "resource_spans", (rs, p1) ->
                    each(rs, "scopeSpans", "scope_spans", (ss, p2) ->
                            each(ss, "spans", "spans", (span, p3) -> {
                                ids(span, p3, "traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id");
                                each(span, "links", "links", (link, p4) ->
                                        ids(link, p4, "traceId", "trace_id", "spanId", "span_id"), p3);
                            }, p2), p1), "");
            case LOGS -> each(root, "resourceLogs", "resource_logs", (rl, p1) ->
                    each(rl, "scopeLogs", "scope_logs", (sl, p2) ->
                            each(sl, "logRecords", "log_records", (lr, p3) ->
                                    ids(lr, p3, "traceId", "trace_id", "spanId", "span_id"), p2), p1), "");
            case METRICS -> each(root, "resourceMetrics", "resource_metrics", (rm, p1) ->
                    each(rm, "scopeMetrics", "scope_metrics", (sm, p2) ->
                            each(sm, "metrics", "metrics", (metric, p3) -> {
                                for (String data : DATA) {
                                    JsonNode d = metric.get(data);
                                    if (d != null && d.isObject()) {
                                        each(d, "dataPoints", "data_points", (dp, p4) ->
                                                each(dp, "exemplars", "exemplars", (ex, p5) ->
                                                        ids(ex, p5, "traceId", "trace_id", "spanId", "span_id"), p4), p3 + "." + data);
                                    }
                                }
                            }, p2), p1), "");
            default -> throw new IllegalArgumentException("not an OTLP signal: " + signal);
        }
        Message.Builder builder = switch (signal) {
            case TRACES -> ExportTraceServiceRequest.newBuilder();
            case METRICS -> ExportMetricsServiceRequest.newBuilder();
            default -> ExportLogsServiceRequest.newBuilder();
        };
        try {
            PARSER.merge(root.toString(), builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new InvalidTelemetryException("the body is not an OTLP/JSON " + requestName(signal) + ": " + e.getMessage());
        }
        return builder.build().toByteArray();
    }

    /** Jackson's message without its source excerpt, with the position: "Unexpected end-of-input ... at line 1, column 19". */
    static String jsonError(JacksonException e) {
        String m = e.getOriginalMessage();
        int marker = m.indexOf(" (start marker at");
        if (marker >= 0) {
            m = m.substring(0, marker);
        }
        var at = e.getLocation();
        return at == null || at.getLineNr() < 0 ? m : m + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    static String print(Message message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }

    static String requestName(Signal signal) {
        return switch (signal) {
            case TRACES -> "ExportTraceServiceRequest";
            case METRICS -> "ExportMetricsServiceRequest";
            case LOGS -> "ExportLogsServiceRequest";
            default -> signal.id();
        };
    }

    private interface Visitor {
        void visit(JsonNode node, String path);
    }

    private static void each(JsonNode parent, String camel, String snake, Visitor visitor, String path) {
        String name = parent.has(camel) ? camel : snake;
        JsonNode array = parent.get(name);
        if (array == null || !array.isArray()) {
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode n = array.get(i);
            if (n.isObject()) {
                visitor.visit(n, (path.isEmpty() ? "" : path + ".") + name + "[" + i + "]");
            }
        }
    }

    /** Rewrites the named hex id fields of {@code node} (pairs of camel and snake names) as base64. */
    private static void ids(JsonNode node, String path, String... names) {
        ObjectNode o = (ObjectNode) node;
        for (String name : names) {
            JsonNode v = o.get(name);
            if (v == null || !v.isTextual()) {
                continue;
            }
            String hex = v.textValue();
            if (hex.isEmpty()) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = HEX.parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new InvalidTelemetryException(path + "." + name + " must be hex-encoded (OTLP/JSON), got '"
                        + (hex.length() > 40 ? hex.substring(0, 40) + "..." : hex) + "'");
            }
            o.put(name, Base64.getEncoder().encodeToString(bytes));
        }
    }
}
