package io.fnscope.writer;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;


/**
 * Turns an OTLP logs export request into {@code logs} rows, with their trace and span ids (zeros when the record has
 * none). The body is text: a string body as is, any other value rendered like an attribute ({@link AttributeText}:
 * JSON for maps and arrays). A record without a time takes its observed time and the other way round, as the OTel
 * log data model says readers should.
 *
 * <p>Not thread-safe; one per writer thread.
 */
final class LogRows {
    private final AttributeText text = new AttributeText();
    private final NativeColumn.MapData scratch = new NativeColumn.MapData();
    private final byte[] idScratch = new byte[Ids.TRACE_ID_BYTES];

    /** @return log records written */
    int write(String tenant, ExportLogsServiceRequest request, TableBuffer.Logs b) {
        int n = 0;
        for (ResourceLogs rl : request.getResourceLogsList()) {
            String service = "";
            String function = "";
            for (KeyValue kv : rl.getResource().getAttributesList()) {
                switch (kv.getKey()) {
                    case "service.name" -> service = kv.getValue().getStringValue();
                    case "faas.name" -> function = kv.getValue().getStringValue();
                    default -> {
                    }
                }
            }
            scratch.clear();
            text.writeMap(scratch, rl.getResource().getAttributesList());
            TraceRows.EncodedMap resourceMap = new TraceRows.EncodedMap(scratch.keys.toArray(), scratch.values.toArray(),
                    rl.getResource().getAttributesCount());
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                String scope = sl.getScope().getName();
                for (LogRecord r : sl.getLogRecordsList()) {
                    long time = r.getTimeUnixNano();
                    long observed = r.getObservedTimeUnixNano();
                    b.tenant.string(tenant);
                    b.time.u64(time != 0 ? time : observed);
                    b.observedTime.u64(observed != 0 ? observed : time);
                    b.service.string(service);
                    b.function.string(function);
                    int severity = r.getSeverityNumberValue();
                    b.severityNumber.u8(severity >= 0 && severity <= 255 ? severity : 0);
                    b.severityText.string(r.getSeverityText());
                    text.writeValue(b.body, r.getBody());
                    Ids.write(b.traceId, r.getTraceId(), Ids.TRACE_ID_BYTES, "log trace_id", idScratch);
                    Ids.write(b.spanId, r.getSpanId(), Ids.SPAN_ID_BYTES, "log span_id", idScratch);
                    b.flags.u32(r.getFlags() & 0xFFFF_FFFFL);
                    b.eventName.string(r.getEventName());
                    b.scopeName.string(scope);
                    resourceMap.appendTo(b.resourceAttributes);
                    text.writeMap(b.attributes, r.getAttributesList());
                    b.row();
                    n++;
                }
            }
        }
        return n;
    }
}
