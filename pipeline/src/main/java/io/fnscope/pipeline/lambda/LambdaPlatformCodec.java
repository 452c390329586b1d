package io.fnscope.pipeline.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the JSON document of a {@link LambdaPlatformBatch}, the payload of the {@code lambda-platform}
 * topic ({@code content-type: application/json}):
 *
 * <pre>{@code
 * {"schema":1,
 *  "function":{"name":"checkout","version":"$LATEST","region":"eu-west-1","architecture":"arm64",
 *              "memoryMb":512,"accountId":"123456789012","logStream":"2026/11/23/[$LATEST]abc"},
 *  "events":[{"time":"2026-11-23T10:00:00.123Z","type":"platform.report","record":{...}}]}
 * }</pre>
 *
 * Absent optional function fields are left out. Times are written as UTC instants ({@link Instant#toString()}).
 */
public final class LambdaPlatformCodec {
    /** The version of the document layout; a reader refuses versions it does not know. */
    public static final int SCHEMA = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LambdaPlatformCodec() {
    }

    public static byte[] write(LambdaPlatformBatch batch) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        ObjectNode f = root.putObject("function");
        LambdaFunction fn = batch.function();
        f.put("name", fn.name());
        f.put("version", fn.version());
        putIfPresent(f, "region", fn.region());
        putIfPresent(f, "architecture", fn.architecture());
        if (fn.memoryMb() != null) {
            f.put("memoryMb", fn.memoryMb());
        }
        putIfPresent(f, "accountId", fn.accountId());
        putIfPresent(f, "logStream", fn.logStream());
        ArrayNode events = root.putArray("events");
        for (PlatformEvent e : batch.events()) {
            ObjectNode o = events.addObject();
            o.put("time", e.time().toString());
            o.put("type", e.type());
            if (e.record() != null) {
                o.set("record", e.record());
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write a Lambda platform batch as JSON", ex);
        }
    }

    /**
     * @throws IllegalArgumentException naming what is missing or malformed (the writer dead-letters such records)
     */
    public static LambdaPlatformBatch read(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException ex) {
            throw new IllegalArgumentException("Lambda platform batch is not JSON: " + ex.getMessage(), ex);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("Lambda platform batch must be a JSON object");
        }
        int schema = root.path("schema").asInt(-1);
        if (schema != SCHEMA) {
            throw new IllegalArgumentException("Lambda platform batch has schema " + root.path("schema")
                    + "; this reader knows schema " + SCHEMA);
        }
        JsonNode f = root.path("function");
        if (!f.isObject()) {
            throw new IllegalArgumentException("Lambda platform batch has no 'function' object");
        }
        LambdaFunction fn = new LambdaFunction(text(f, "name"), text(f, "version"), text(f, "region"),
                text(f, "architecture"), f.hasNonNull("memoryMb") ? f.get("memoryMb").asInt() : null,
                text(f, "accountId"), text(f, "logStream"));
        JsonNode ev = root.path("events");
        if (!ev.isArray()) {
            throw new IllegalArgumentException("Lambda platform batch has no 'events' array");
        }
        List<PlatformEvent> events = new ArrayList<>(ev.size());
        for (int i = 0; i < ev.size(); i++) {
            JsonNode e = ev.get(i);
            String time = text(e, "time");
            try {
                JsonNode record = e.get("record");
                events.add(new PlatformEvent(time == null ? null : Instant.parse(time), text(e, "type"),
                        record == null || record.isNull() ? null : record));
            } catch (DateTimeParseException | IllegalArgumentException ex) {
                throw new IllegalArgumentException("Lambda platform batch events[" + i + "]: " + ex.getMessage(), ex);
            }
        }
        return new LambdaPlatformBatch(fn, events);
    }

    private static void putIfPresent(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
