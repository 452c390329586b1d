package io.fnscope.writer;

import com.google.protobuf.ByteString;
import io.fnscope.clickhouse.ConnectedTracesListener;
import io.fnscope.clickhouse.ServiceEdges;
import io.fnscope.cost.DurationSource;
import io.fnscope.cost.InitBilling;
import io.fnscope.cost.InvocationPricer;
import io.fnscope.cost.InvocationUsage;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns an OTLP trace export request into {@code spans} rows, the span halves of {@code invocations} rows and the
 * service-map edges of the spans ({@code edge_calls} rows, {@link ServiceEdges}).
 *
 * <h2>Spans</h2>
 * One row per span with every OTLP field the table has a column for: ids, parent, trace state, flags, name, kind,
 * status, start and duration, the resource's {@code service.name} and {@code faas.name}, the span's
 * {@code faas.invocation_id} (or the older {@code faas.execution}), scope, resource and span attributes as text with
 * their types ({@link AttributeText}), events, links with their attributes, and the dropped counts. The resource
 * and scope columns are encoded once per block and copied into each of its rows.
 *
 * <h2>Invocations</h2>
 * A span stands for a function invocation when it is SERVER or CONSUMER, its resource is a function
 * ({@code faas.name} present, or {@code cloud.platform} one of aws_lambda, azure_functions, gcp_cloud_functions,
 * gcp_cloud_run), and it either carries {@code faas.invocation_id}/{@code faas.execution} or is the function's
 * entry span: no parent, or a remote parent (the OTLP flags say so, or, when the exporter does not set those bits,
 * the parent is not a span of the same resource in this request). Its row is keyed by that attribute, else by the
 * span id in hex, and priced from the span's duration ({@link DurationSource#SPAN}, so flagged as an estimate).
 * Within one request a key is written once (a function with a wrapper span and a handler span that both carry the
 * id would otherwise count twice in the per-minute roll-up).
 *
 * <p>Not thread-safe; one per writer thread.
 */
final class TraceRows {
    private static final int KIND_SERVER = 2;
    private static final int KIND_CONSUMER = 5;
    private static final int STATUS_ERROR = 2;
    /** OTLP span flags: bit 8 says whether bit 9 (parent is remote) is known. */
    private static final int FLAG_HAS_IS_REMOTE = 0x100;
    private static final int FLAG_IS_REMOTE = 0x200;
    private static final long MIB = 1_048_576L;

    private final InvocationPricer pricer;
    private final AttributeText text = new AttributeText();
    private final Bytes scratch = new Bytes();
    private final NativeColumn.MapData mapScratch = new NativeColumn.MapData();
    private final InvocationHalf half = new InvocationHalf();
    private final byte[] idScratch = new byte[Ids.TRACE_ID_BYTES];
    private final Set<String> invocationsInRequest = new HashSet<>();
    private final ServiceEdges.Attributes edgeAttributes = new ServiceEdges.Attributes();

    TraceRows(InvocationPricer pricer) {
        this.pricer = pricer;
    }

    /** Counts of what one request produced. */
    record Counts(int spans, int invocations) {
    }

    /**
     * Appends the request's rows.
     *
     * @throws IllegalArgumentException when a span breaks the collector's contract (an id of the wrong length)
     */
    Counts write(String tenant, ExportTraceServiceRequest request, TableBuffer.Spans spans,
                 TableBuffer.Invocations invocations, TableBuffer.EdgeCalls edgeCalls) {
        int spanCount = 0;
        int invocationCount = 0;
        invocationsInRequest.clear();
        List<ConnectedTracesListener.Edge> edges = collectEdges ? spans.edges(tenant) : null;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            ResourceInfo resource = ResourceInfo.of(rs.getResource(), text, scratch, mapScratch);
            byte[] tenantBytes = encoded(tenant);
            long[] localIds = null;
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                byte[] scopeName = encoded(ss.getScope().getName());
                byte[] scopeVersion = encoded(ss.getScope().getVersion());
                for (Span span : ss.getSpansList()) {
                    writeSpan(spans, tenantBytes, span, resource, scopeName, scopeVersion);
                    spanCount++;
                    writeEdge(edgeCalls, tenantBytes, span, resource);
                    if (edges != null) {
                        addEdges(span, edges);
                    }
                    if (resource.isFunction && isServerOrConsumer(span)) {
                        String id = invocationAttribute(span);
                        boolean entry = false;
                        if (id == null) {
                            if (localIds == null) {
                                localIds = spanIds(rs);
                            }
                            entry = isEntry(span, localIds);
                        }
                        if (id != null || entry) {
                            String key = id != null ? id : Ids.hex(span.getSpanId());
                            if (invocationsInRequest.add(resource.functionName + '\u0000' + key)) {
                                writeInvocation(invocations, tenant, span, resource, key);
                                invocationCount++;
                            }
                        }
                    }
                }
            }
        }
        return new Counts(spanCount, invocationCount);
    }

    static final String MESSAGE_ID = "messaging.message.id";

    /** Set by the writer when a listener takes the edges ({@link RecordRows#collectTraceEdges}). */
    boolean collectEdges;

    /**
     * Adds the span's edges in the query API's transaction_edges sense (0213, 0214 there): its trace to each other trace it
     * links to, and to {@code m:<message id>} when it carries one. The labeller of business transactions works from
     * them. A string or integer id, as the view reads it; any other type is left out (ids are strings in practice).
     */
    static void addEdges(Span span, List<ConnectedTracesListener.Edge> out) {
        String trace = null;
        for (int i = 0, n = span.getLinksCount(); i < n; i++) {
            ByteString linked = span.getLinks(i).getTraceId();
            if (!linked.equals(span.getTraceId())) {
                trace = trace == null ? Ids.hex(span.getTraceId()) : trace;
                out.add(new ConnectedTracesListener.Edge(trace, Ids.hex(linked), span.getStartTimeUnixNano()));
            }
        }
        for (int i = 0, n = span.getAttributesCount(); i < n; i++) {
            KeyValue kv = span.getAttributes(i);
            if (MESSAGE_ID.equals(kv.getKey())) {
                AnyValue v = kv.getValue();
                String id = v.hasStringValue() ? v.getStringValue() : v.hasIntValue() ? Long.toString(v.getIntValue()) : "";
                if (!id.isEmpty()) {
                    out.add(new ConnectedTracesListener.Edge(trace == null ? Ids.hex(span.getTraceId()) : trace,
                            "m:" + id, span.getStartTimeUnixNano()));
                }
                return;
            }
        }
    }

    private void writeSpan(TableBuffer.Spans s, byte[] tenant, Span span, ResourceInfo resource, byte[] scopeName,
                           byte[] scopeVersion) {
        s.tenant.raw(tenant);
        Ids.write(s.traceId, span.getTraceId(), Ids.TRACE_ID_BYTES, "trace_id", idScratch);
        Ids.write(s.spanId, span.getSpanId(), Ids.SPAN_ID_BYTES, "span_id", idScratch);
        Ids.write(s.parentSpanId, span.getParentSpanId(), Ids.SPAN_ID_BYTES, "parent_span_id", idScratch);
        s.traceState.string(span.getTraceState());
        s.flags.u32(span.getFlags() & 0xFFFF_FFFFL);
        s.name.string(span.getName());
        int kind = span.getKindValue();
        s.kind.u8(kind >= 0 && kind <= 5 ? kind : 0);
        long start = span.getStartTimeUnixNano();
        long end = span.getEndTimeUnixNano();
        s.startTime.u64(start);
        s.durationNs.u64(end > start ? end - start : 0);
        Status status = span.getStatus();
        int code = status.getCodeValue();
        s.statusCode.u8(code >= 0 && code <= 2 ? code : 0);
        s.statusMessage.string(status.getMessage());
        s.service.raw(resource.service);
        s.function.raw(resource.function);
        String invocationId = invocationAttribute(span);
        s.invocationId.string(invocationId == null ? "" : invocationId);
        s.scopeName.raw(scopeName);
        s.scopeVersion.raw(scopeVersion);
        resource.attributes.appendTo(s.resourceAttributes);
        resource.types.appendTo(s.resourceAttributeTypes);
        List<KeyValue> attributes = span.getAttributesList();
        text.writeMap(s.attributes, attributes);
        text.writeTypes(s.attributeTypes, attributes);

        int events = span.getEventsCount();
        for (int i = 0; i < events; i++) {
            Span.Event e = span.getEvents(i);
            s.eventsTime.elements.u64(e.getTimeUnixNano());
            s.eventsName.elements.string(e.getName());
            text.writeMap(s.eventsAttributes.maps, e.getAttributesList());
        }
        s.eventsTime.endRow(events);
        s.eventsName.endRow(events);
        s.eventsAttributes.endRow(events);

        int links = span.getLinksCount();
        for (int i = 0; i < links; i++) {
            Span.Link l = span.getLinks(i);
            Ids.write(s.linksTraceId.elements, l.getTraceId(), Ids.TRACE_ID_BYTES, "link trace_id", idScratch);
            Ids.write(s.linksSpanId.elements, l.getSpanId(), Ids.SPAN_ID_BYTES, "link span_id", idScratch);
            s.linksTraceState.elements.string(l.getTraceState());
            text.writeMap(s.linksAttributes.maps, l.getAttributesList());
        }
        s.linksTraceId.endRow(links);
        s.linksSpanId.endRow(links);
        s.linksTraceState.endRow(links);
        s.linksAttributes.endRow(links);

        s.droppedAttributes.u32(span.getDroppedAttributesCount() & 0xFFFF_FFFFL);
        s.droppedEvents.u32(span.getDroppedEventsCount() & 0xFFFF_FFFFL);
        s.droppedLinks.u32(span.getDroppedLinksCount() & 0xFFFF_FFFFL);
        s.row();
    }

    /**
     * The span's service-map edge ({@link ServiceEdges}), if it stands for one: its minute, ends, error status and
     * duration, which the view on {@code edge_calls} folds into {@code edges_minute}.
     */
    private void writeEdge(TableBuffer.EdgeCalls out, byte[] tenant, Span span, ResourceInfo resource) {
        int kind = span.getKindValue();
        if (!ServiceEdges.mayHaveEdge(kind)) {
            return;
        }
        edgeAttributes.clear();
        for (int i = 0, n = span.getAttributesCount(); i < n; i++) {
            KeyValue kv = span.getAttributes(i);
            int slot = ServiceEdges.Attributes.slotOf(kv.getKey());
            if (slot >= 0) {
                AnyValue v = kv.getValue();
                edgeAttributes.put(slot, v.hasStringValue() ? v.getStringValue() : text.text(v));
            }
        }
        ServiceEdges.Edge e = ServiceEdges.of(kind, resource.serviceName, resource.functionName, edgeAttributes);
        if (e == null) {
            return;
        }
        long start = span.getStartTimeUnixNano();
        long end = span.getEndTimeUnixNano();
        out.tenant.raw(tenant);
        // start is unsigned in OTLP, and the column's DateTime ends in 2106: later times go to its last minute
        long lastMinute = 0xFFFF_FFFFL / 60 * 60;
        long minute = Long.compareUnsigned(start, lastMinute * 1_000_000_000L) > 0 ? lastMinute
                : start / 60_000_000_000L * 60L;
        out.minute.u32(minute);
        out.sourceType.string(e.sourceType());
        out.source.string(e.source());
        out.targetType.string(e.targetType());
        out.target.string(e.target());
        out.error.u8(span.getStatus().getCodeValue() == STATUS_ERROR ? 1 : 0);
        out.callDurationMs.f64((end > start ? end - start : 0) / 1e6);
        out.row();
    }

    private void writeInvocation(TableBuffer.Invocations out, String tenant, Span span, ResourceInfo resource,
                                 String key) {
        InvocationHalf h = half;
        h.reset();
        h.tenant = tenant;
        h.function = resource.functionName;
        h.invocationId = key;
        long start = span.getStartTimeUnixNano();
        long end = span.getEndTimeUnixNano();
        long duration = end > start ? end - start : 0;
        h.startNanos = start;
        h.provider = resource.provider;
        h.region = resource.region;
        h.architecture = resource.architecture;
        h.functionVersion = resource.version;
        h.service = resource.serviceName;
        h.traceId = span.getTraceId().toByteArray();
        h.spanId = span.getSpanId().toByteArray();
        h.memoryMb = resource.memoryMb;
        h.spanDurationNs = duration;

        String trigger = "";
        String route = "";
        boolean cold = false;
        for (KeyValue kv : span.getAttributesList()) {
            switch (kv.getKey()) {
                case "faas.trigger" -> trigger = kv.getValue().getStringValue();
                case "http.route" -> route = kv.getValue().getStringValue();
                case "faas.coldstart" -> cold = isTrue(kv.getValue());
                default -> {
                }
            }
        }
        if (route.isEmpty() && "http".equals(trigger)) {
            route = span.getName();
        }
        h.trigger = trigger;
        h.route = route;
        h.coldStart = cold;
        if (span.getStatus().getCodeValue() == STATUS_ERROR) {
            h.status = InvocationHalf.STATUS_ERROR;
            h.errorMessage = errorMessage(span);
        } else {
            h.status = InvocationHalf.STATUS_OK;
        }
        h.estimate = pricer.price(new InvocationUsage(resource.provider.isEmpty() ? resource.platform : resource.provider,
                resource.region, resource.architecture.isEmpty() ? null : resource.architecture,
                (int) Math.min(resource.memoryMb, Integer.MAX_VALUE), duration / 1e6, DurationSource.SPAN, 0,
                InitBilling.AUTO, start / 1_000_000L, false, 0, 0, 1));
        h.hasSpan = true;
        h.write(out);
    }

    /** The span's status message, else the message of its first exception event. */
    private static String errorMessage(Span span) {
        String m = span.getStatus().getMessage();
        if (!m.isEmpty()) {
            return m;
        }
        for (Span.Event e : span.getEventsList()) {
            if ("exception".equals(e.getName())) {
                for (KeyValue kv : e.getAttributesList()) {
                    if ("exception.message".equals(kv.getKey())) {
                        return kv.getValue().getStringValue();
                    }
                }
                for (KeyValue kv : e.getAttributesList()) {
                    if ("exception.type".equals(kv.getKey())) {
                        return kv.getValue().getStringValue();
                    }
                }
            }
        }
        return "";
    }

    private static boolean isServerOrConsumer(Span span) {
        int kind = span.getKindValue();
        return kind == KIND_SERVER || kind == KIND_CONSUMER;
    }

    /** {@code faas.invocation_id}, else the older {@code faas.execution}, else null. */
    private static String invocationAttribute(Span span) {
        String legacy = null;
        for (KeyValue kv : span.getAttributesList()) {
            String k = kv.getKey();
            if (k.startsWith("faas.")) {
                if (k.equals("faas.invocation_id")) {
                    String v = kv.getValue().getStringValue();
                    if (!v.isEmpty()) {
                        return v;
                    }
                } else if (k.equals("faas.execution")) {
                    String v = kv.getValue().getStringValue();
                    if (!v.isEmpty()) {
                        legacy = v;
                    }
                }
            }
        }
        return legacy;
    }

    private static boolean isEntry(Span span, long[] localIds) {
        if (span.getParentSpanId().isEmpty()) {
            return true;
        }
        int flags = span.getFlags();
        if ((flags & FLAG_HAS_IS_REMOTE) != 0) {
            return (flags & FLAG_IS_REMOTE) != 0;
        }
        long parent = Ids.spanIdLong(span.getParentSpanId());
        for (long id : localIds) {
            if (id == parent) {
                return false;
            }
        }
        return true;
    }

    private static long[] spanIds(ResourceSpans rs) {
        int n = 0;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
            n += ss.getSpansCount();
        }
        long[] ids = new long[n];
        int i = 0;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
                ids[i++] = Ids.spanIdLong(s.getSpanId());
            }
        }
        return ids;
    }

    /** A String value encoded once, for a column that repeats it on many rows. */
    private byte[] encoded(String v) {
        scratch.clear();
        return scratch.string(v).toArray();
    }

    static boolean isTrue(AnyValue v) {
        return switch (v.getValueCase()) {
            case BOOL_VALUE -> v.getBoolValue();
            case STRING_VALUE -> "true".equalsIgnoreCase(v.getStringValue());
            case INT_VALUE -> v.getIntValue() != 0;
            default -> false;
        };
    }

    /** A map encoded once and appended to the rows of every span of its resource. */
    record EncodedMap(byte[] keys, byte[] values, int entries) {
        void appendTo(NativeColumn.MapData m) {
            m.keys.raw(keys);
            m.values.raw(values);
            m.endMap(entries);
        }
    }

    /**
     * What every span of a resource block shares: the columns encoded once, and the function facts an invocation
     * row needs.
     */
    static final class ResourceInfo {
        String serviceName = "";
        String functionName = "";
        String platform = "";
        String provider = "";
        String region = "";
        String architecture = "";
        String version = "";
        long memoryMb;
        boolean isFunction;
        /** The service and function columns' values, encoded. */
        byte[] service;
        byte[] function;
        /** resource_attributes and resource_attribute_types, encoded. */
        EncodedMap attributes;
        EncodedMap types;

        static ResourceInfo of(Resource resource, AttributeText text, Bytes scratch, NativeColumn.MapData m) {
            ResourceInfo r = new ResourceInfo();
            List<KeyValue> attributes = resource.getAttributesList();
            for (KeyValue kv : attributes) {
                AnyValue v = kv.getValue();
                switch (kv.getKey()) {
                    case "service.name" -> r.serviceName = v.getStringValue();
                    case "faas.name" -> r.functionName = v.getStringValue();
                    case "cloud.platform" -> r.platform = v.getStringValue();
                    case "cloud.provider" -> r.provider = v.getStringValue();
                    case "cloud.region" -> r.region = v.getStringValue();
                    case "host.arch" -> r.architecture = architecture(v.getStringValue());
                    case "faas.version" -> r.version = v.getStringValue();
                    case "faas.max_memory" -> r.memoryMb = memoryMb(v);
                    default -> {
                    }
                }
            }
            r.isFunction = !r.functionName.isEmpty() || isFunctionPlatform(r.platform);
            if (r.provider.isEmpty()) {
                r.provider = providerOf(r.platform);
            }
            scratch.clear();
            r.service = scratch.string(r.serviceName).toArray();
            scratch.clear();
            r.function = scratch.string(r.functionName).toArray();
            m.clear();
            text.writeMap(m, attributes);
            r.attributes = new EncodedMap(m.keys.toArray(), m.values.toArray(), attributes.size());
            m.clear();
            text.writeTypes(m, attributes);
            int typed = 0;
            for (KeyValue kv : attributes) {
                if (AttributeText.typeOf(kv.getValue()) != 0) {
                    typed++;
                }
            }
            r.types = new EncodedMap(m.keys.toArray(), m.values.toArray(), typed);
            return r;
        }

        static boolean isFunctionPlatform(String platform) {
            return switch (platform) {
                case "aws_lambda", "azure_functions", "gcp_cloud_functions", "gcp_cloud_run" -> true;
                default -> false;
            };
        }

        /** {@code cloud.provider} implied by {@code cloud.platform}, for resources that name only the platform. */
        static String providerOf(String platform) {
            if (platform.startsWith("aws_")) {
                return "aws";
            } else if (platform.startsWith("azure_")) {
                return "azure";
            } else if (platform.startsWith("gcp_")) {
                return "gcp";
            }
            return "";
        }

        /** OTel {@code host.arch} to Lambda's spelling: amd64 → x86_64, aarch64 → arm64; others unchanged. */
        static String architecture(String arch) {
            return switch (arch) {
                case "amd64", "x86-64", "x64" -> "x86_64";
                case "aarch64" -> "arm64";
                default -> arch;
            };
        }

        /**
         * {@code faas.max_memory} in MB. The convention says bytes (MB × 1,048,576); versions before 1.21 said MiB,
         * and some SDKs still send that, so a value below 1 MiB is taken as MB already.
         */
        static long memoryMb(AnyValue v) {
            long n;
            switch (v.getValueCase()) {
                case INT_VALUE -> n = v.getIntValue();
                case DOUBLE_VALUE -> n = (long) v.getDoubleValue();
                case STRING_VALUE -> {
                    try {
                        n = Long.parseLong(v.getStringValue().trim());
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
                default -> {
                    return 0;
                }
            }
            if (n <= 0) {
                return 0;
            }
            return n >= MIB ? n / MIB : n;
        }
    }
}
