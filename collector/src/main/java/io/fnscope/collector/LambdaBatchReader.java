package io.fnscope.collector;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnscope.pipeline.lambda.LambdaFunction;
import io.fnscope.pipeline.lambda.PlatformEvent;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads what a Lambda extension forwards: the function it runs in (from {@code X-Fnscope-*} headers) and a batch
 * of Telemetry API events (the JSON array the Lambda service POSTs to the extension). Events are checked one by one;
 * a malformed event is rejected with a message naming it, the rest are kept. Header rules and event rules are listed
 * in docs/sending-telemetry.md.
 */
final class LambdaBatchReader {
    static final String FUNCTION_NAME = "X-Fnscope-Function-Name";
    static final String FUNCTION_VERSION = "X-Fnscope-Function-Version";
    static final String REGION = "X-Fnscope-Region";
    static final String ARCHITECTURE = "X-Fnscope-Architecture";
    static final String MEMORY_MB = "X-Fnscope-Memory-Mb";
    static final String ACCOUNT_ID = "X-Fnscope-Account-Id";
    static final String LOG_STREAM = "X-Fnscope-Log-Stream";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern VERSION = Pattern.compile("\\$LATEST|[0-9]{1,10}");
    private static final Pattern REGION_PATTERN = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern LOG_STREAM_PATTERN = Pattern.compile("[\\x20-\\x7E]{1,512}");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The events kept and, per rejected event, why. */
    record Batch(List<PlatformEvent> events, int total, List<String> errors) {
    }

    private LambdaBatchReader() {
    }

    /**
     * @param header looks up a request header by name (case-insensitive), null when absent
     * @throws InvalidTelemetryException for a missing or malformed header
     */
    static LambdaFunction function(Function<String, String> rawHeader) {
        Function<String, String> header = h -> {
            String v = rawHeader.apply(h);
            return v == null || v.isBlank() ? null : v.trim();
        };
        String name = header.apply(FUNCTION_NAME);
        if (name == null) {
            throw new InvalidTelemetryException("header " + FUNCTION_NAME + " is required: the extension must send "
                    + "the function's name (AWS_LAMBDA_FUNCTION_NAME)");
        }
        String version = header.apply(FUNCTION_VERSION);
        String region = header.apply(REGION);
        String arch = header.apply(ARCHITECTURE);
        String memory = header.apply(MEMORY_MB);
        String account = header.apply(ACCOUNT_ID);
        String logStream = header.apply(LOG_STREAM);
        check(NAME, name, FUNCTION_NAME, "1-64 letters, digits, '-' or '_' (AWS_LAMBDA_FUNCTION_NAME)");
        check(VERSION, version, FUNCTION_VERSION, "$LATEST or a version number (AWS_LAMBDA_FUNCTION_VERSION)");
        check(REGION_PATTERN, region, REGION, "an AWS region such as us-east-1 (AWS_REGION)");
        if (arch != null && !arch.equals("x86_64") && !arch.equals("arm64")) {
            throw new InvalidTelemetryException("header " + ARCHITECTURE + " must be x86_64 or arm64, got '" + clip(arch) + "'");
        }
        Integer memoryMb = null;
        if (memory != null) {
            try {
                memoryMb = Integer.parseInt(memory);
            } catch (NumberFormatException e) {
                memoryMb = -1;
            }
            if (memoryMb < 128 || memoryMb > 10240) {
                throw new InvalidTelemetryException("header " + MEMORY_MB + " must be a whole number of MB between 128"
                        + " and 10240 (AWS_LAMBDA_FUNCTION_MEMORY_SIZE), got '" + clip(memory) + "'");
            }
        }
        check(ACCOUNT, account, ACCOUNT_ID, "a 12-digit AWS account id");
        check(LOG_STREAM_PATTERN, logStream, LOG_STREAM, "1-512 printable ASCII characters (AWS_LAMBDA_LOG_STREAM_NAME)");
        return new LambdaFunction(name, version, region, arch, memoryMb, account, logStream);
    }

    /**
     * @param latest the latest event time accepted (the collector's clock plus max-time-ahead); later events are
     *               rejected like malformed ones
     * @throws InvalidTelemetryException when the body is not a JSON array
     */
    static Batch events(byte[] body, Instant latest) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidTelemetryException("the body is not valid JSON: " + OtlpJson.jsonError(e));
        } catch (IOException e) {
            throw new InvalidTelemetryException("the body is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new InvalidTelemetryException("the body must be a JSON array of Lambda Telemetry API events"
                    + " ([{\"time\":...,\"type\":...,\"record\":...}, ...])");
        }
        List<PlatformEvent> kept = new ArrayList<>(root.size());
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode e = root.get(i);
            String problem = problem(e, latest);
            if (problem != null) {
                String type = e.isObject() && e.path("type").isTextual() ? " (" + clip(e.path("type").textValue()) + ")" : "";
                errors.add("events[" + i + "]" + type + ": " + problem);
                continue;
            }
            JsonNode record = e.get("record");
            kept.add(new PlatformEvent(time(e.get("time").textValue()), e.get("type").textValue(),
                    record == null || record.isNull() ? null : record));
        }
        return new Batch(kept, root.size(), errors);
    }

    /** What is wrong with one event, or null. */
    private static String problem(JsonNode e, Instant latest) {
        if (!e.isObject()) {
            return "an event must be a JSON object";
        }
        JsonNode time = e.get("time");
        if (time == null || !time.isTextual()) {
            return "time must be an ISO-8601 timestamp string";
        }
        Instant at = time(time.textValue());
        if (at == null) {
            return "time must be an ISO-8601 timestamp, got '" + clip(time.textValue()) + "'";
        }
        if (at.isAfter(latest)) {
            return "time " + clip(time.textValue()) + " is further ahead of the collector's clock than"
                    + " fnscope.collector.max-time-ahead allows";
        }
        JsonNode type = e.get("type");
        if (type == null || !type.isTextual() || type.textValue().isBlank()) {
            return "type must be a non-empty string";
        }
        JsonNode record = e.get("record");
        switch (type.textValue()) {
            case PlatformEvent.REPORT -> {
                String p = requestId(record);
                if (p != null) {
                    return p;
                }
                JsonNode m = record.get("metrics");
                if (m == null || !m.isObject()) {
                    return "record.metrics must be an object";
                }
                for (String f : new String[]{"durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB"}) {
                    p = number(m, f, true);
                    if (p != null) {
                        return p;
                    }
                }
                for (String f : new String[]{"initDurationMs", "restoreDurationMs"}) {
                    p = number(m, f, false);
                    if (p != null) {
                        return p;
                    }
                }
            }
            case PlatformEvent.INIT_REPORT -> {
                if (record == null || !record.isObject() || !record.path("metrics").isObject()) {
                    return "record.metrics must be an object";
                }
                return number(record.get("metrics"), "durationMs", true);
            }
            case PlatformEvent.START, PlatformEvent.RUNTIME_DONE -> {
                return requestId(record);
            }
            default -> {
            }
        }
        return null;
    }

    private static String requestId(JsonNode record) {
        if (record == null || !record.isObject()) {
            return "record must be an object";
        }
        JsonNode id = record.get("requestId");
        if (id == null || !id.isTextual() || id.textValue().isBlank()) {
            return "record.requestId must be a non-empty string";
        }
        return null;
    }

    private static String number(JsonNode metrics, String field, boolean required) {
        JsonNode v = metrics.get(field);
        if (v == null || v.isNull()) {
            return required ? "record.metrics." + field + " is required" : null;
        }
        if (!v.isNumber() || v.asDouble() < 0) {
            return "record.metrics." + field + " must be a non-negative number";
        }
        return null;
    }

    static Instant time(String s) {
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void check(Pattern p, String value, String header, String expected) {
        if (value != null && !p.matcher(value).matches()) {
            throw new InvalidTelemetryException("header " + header + " must be " + expected + ", got '" + clip(value) + "'");
        }
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
