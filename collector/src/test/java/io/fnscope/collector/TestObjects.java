package io.fnscope.collector;

import com.google.protobuf.ByteString;
import io.fnscope.tenancy.KeyHash;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Fixtures shared by the collector's tests: keys, ids, spans. Ids are random so tests never see each other's data. */
final class TestObjects {
    static final String ACME_KEY = "fns_testAcmeIngestKey000000000000001";
    static final String GLOBEX_KEY = "fns_testGlobexIngestKey00000000000002";
    static final String VIEWER_KEY = "fns_testAcmeViewerKey000000000000003";
    static final long NOW_NANOS = 1_763_900_000_000_000_000L;

    private TestObjects() {
    }

    /** Context properties that configure the test keys. */
    static Map<String, Object> keys() {
        Map<String, Object> p = new HashMap<>();
        p.put("fnscope.auth.keys[0].tenant", "acme");
        p.put("fnscope.auth.keys[0].role", "ingest");
        p.put("fnscope.auth.keys[0].sha256", KeyHash.sha256Hex(ACME_KEY));
        p.put("fnscope.auth.keys[1].tenant", "globex");
        p.put("fnscope.auth.keys[1].role", "ingest");
        p.put("fnscope.auth.keys[1].sha256", KeyHash.sha256Hex(GLOBEX_KEY));
        p.put("fnscope.auth.keys[2].tenant", "acme");
        p.put("fnscope.auth.keys[2].role", "viewer");
        p.put("fnscope.auth.keys[2].sha256", KeyHash.sha256Hex(VIEWER_KEY));
        return p;
    }

    static ByteString traceId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return ByteString.copyFrom(b);
    }

    static ByteString spanId() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return ByteString.copyFrom(b);
    }

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue attr(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    static Resource resource(String service) {
        return Resource.newBuilder()
                .addAttributes(attr("service.name", service))
                .addAttributes(attr("faas.name", service))
                .addAttributes(attr("cloud.provider", "aws"))
                .addAttributes(attr("cloud.region", "eu-west-1"))
                .build();
    }

    static Span.Builder span(String name) {
        return Span.newBuilder()
                .setTraceId(traceId())
                .setSpanId(spanId())
                .setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(NOW_NANOS)
                .setEndTimeUnixNano(NOW_NANOS + 1_500_000)
                .addAttributes(attr("http.route", "/orders/{id}"))
                .addAttributes(attr("http.response.status_code", 200))
                .addEvents(Span.Event.newBuilder().setName("cache miss").setTimeUnixNano(NOW_NANOS + 1000)
                        .addAttributes(attr("cache.key", "order-42")))
                .addLinks(Span.Link.newBuilder().setTraceId(traceId()).setSpanId(spanId())
                        .addAttributes(attr("messaging.message.id", "m-1")))
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK));
    }

    static ExportTraceServiceRequest traces(Span... spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.fnscope.test").setVersion("1.0"));
        for (Span s : spans) {
            scope.addSpans(s);
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(resource("checkout")).addScopeSpans(scope))
                .build();
    }
}
