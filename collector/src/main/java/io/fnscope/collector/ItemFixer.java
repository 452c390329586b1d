package io.fnscope.collector;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.fnscope.collector.ScannedRequest.Block;
import io.fnscope.collector.ScannedRequest.Item;
import io.fnscope.collector.ScannedRequest.Seg;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the limits to the few items {@link OtlpScanner} marked: parses just that span, metric, log record,
 * resource or scope with protobuf, changes it, and stores its re-encoded field as the segment's replacement. Items
 * that need nothing are never parsed. Every change is counted in the request's {@link Tally}.
 */
final class ItemFixer {
    private final int maxAttributes;
    private final int maxLength;
    private final int maxEvents;
    private final int maxLinks;

    ItemFixer(CollectorSettings settings) {
        this.maxAttributes = settings.maxAttributes();
        this.maxLength = settings.maxAttributeValueLength();
        this.maxEvents = settings.maxEventsPerSpan();
        this.maxLinks = settings.maxLinksPerSpan();
    }

    void apply(ScannedRequest req) {
        if (!req.changed) {
            return;
        }
        try {
            for (Block r : req.resources) {
                for (Seg h : r.header) {
                    if (h.fix) {
                        h.replacement = field(1, resource(Resource.parser().parseFrom(req.buf, h.valueStart, h.end - h.valueStart), req.tally));
                    }
                }
                for (Block s : r.scopes) {
                    for (Seg h : s.header) {
                        if (h.fix) {
                            h.replacement = field(1, scope(InstrumentationScope.parser().parseFrom(req.buf, h.valueStart, h.end - h.valueStart), req.tally));
                        }
                    }
                    for (Item item : s.items) {
                        if (!item.fix || item.reason != null) {
                            continue;
                        }
                        int len = item.end - item.valueStart;
                        MessageLite fixed = switch (req.signal) {
                            case TRACES -> span(Span.parser().parseFrom(req.buf, item.valueStart, len), req.tally);
                            case METRICS -> metric(Metric.parser().parseFrom(req.buf, item.valueStart, len), item.pointReasons, req.tally);
                            case LOGS -> log(LogRecord.parser().parseFrom(req.buf, item.valueStart, len), req.tally);
                            default -> throw new IllegalStateException("not an OTLP signal: " + req.signal);
                        };
                        item.replacement = field(2, fixed);
                        if (item.pointReasons != null) {
                            int bad = 0;
                            for (int i = 0; i < item.count; i++) {
                                bad += item.pointReasons[i] == null ? 0 : 1;
                            }
                            item.count -= bad;
                        }
                    }
                }
            }
        } catch (InvalidProtocolBufferException e) {
            // The scanner accepted these bytes; protobuf refusing them means the two disagree about the format.
            throw new InvalidTelemetryException("cannot decode an item: " + e.getMessage(), e);
        }
    }

    Resource resource(Resource r, Tally tally) {
        List<KeyValue> a = AttributeLimits.apply(r.getAttributesList(), maxAttributes, maxLength, tally);
        return r.toBuilder().clearAttributes().addAllAttributes(a)
                .setDroppedAttributesCount(r.getDroppedAttributesCount() + r.getAttributesCount() - a.size()).build();
    }

    InstrumentationScope scope(InstrumentationScope s, Tally tally) {
        List<KeyValue> a = AttributeLimits.apply(s.getAttributesList(), maxAttributes, maxLength, tally);
        return s.toBuilder().clearAttributes().addAllAttributes(a)
                .setDroppedAttributesCount(s.getDroppedAttributesCount() + s.getAttributesCount() - a.size()).build();
    }

    Span span(Span s, Tally tally) {
        Span.Builder b = s.toBuilder();
        List<KeyValue> a = AttributeLimits.apply(s.getAttributesList(), maxAttributes, maxLength, tally);
        b.clearAttributes().addAllAttributes(a)
                .setDroppedAttributesCount(s.getDroppedAttributesCount() + s.getAttributesCount() - a.size());
        if (s.getParentSpanId().size() == 8 && isZero(s.getParentSpanId())) {
            b.setParentSpanId(ByteString.EMPTY);
            tally.limit(LimitKind.PARENT_CLEARED, 1);
        }
        int events = Math.min(s.getEventsCount(), maxEvents);
        tally.limit(LimitKind.EVENT_DROPPED, s.getEventsCount() - events);
        b.clearEvents().setDroppedEventsCount(s.getDroppedEventsCount() + s.getEventsCount() - events);
        for (int i = 0; i < events; i++) {
            Span.Event e = s.getEvents(i);
            List<KeyValue> ea = AttributeLimits.apply(e.getAttributesList(), maxAttributes, maxLength, tally);
            b.addEvents(ea == e.getAttributesList() ? e : e.toBuilder().clearAttributes().addAllAttributes(ea)
                    .setDroppedAttributesCount(e.getDroppedAttributesCount() + e.getAttributesCount() - ea.size()).build());
        }
        int invalid = 0;
        int kept = 0;
        b.clearLinks();
        for (Span.Link l : s.getLinksList()) {
            if (!validTraceId(l.getTraceId()) || !validSpanId(l.getSpanId())) {
                invalid++;
                continue;
            }
            if (kept == maxLinks) {
                continue;
            }
            kept++;
            List<KeyValue> la = AttributeLimits.apply(l.getAttributesList(), maxAttributes, maxLength, tally);
            b.addLinks(la == l.getAttributesList() ? l : l.toBuilder().clearAttributes().addAllAttributes(la)
                    .setDroppedAttributesCount(l.getDroppedAttributesCount() + l.getAttributesCount() - la.size()).build());
        }
        tally.limit(LimitKind.INVALID_LINK_DROPPED, invalid);
        tally.limit(LimitKind.LINK_DROPPED, s.getLinksCount() - invalid - kept);
        b.setDroppedLinksCount(s.getDroppedLinksCount() + s.getLinksCount() - kept);
        return b.build();
    }

    LogRecord log(LogRecord r, Tally tally) {
        List<KeyValue> a = AttributeLimits.apply(r.getAttributesList(), maxAttributes, maxLength, tally);
        return r.toBuilder().clearAttributes().addAllAttributes(a)
                .setDroppedAttributesCount(r.getDroppedAttributesCount() + r.getAttributesCount() - a.size()).build();
    }

    /** Drops the data points the scanner rejected (by index) and applies limits to the rest. */
    Metric metric(Metric m, Reason[] pointReasons, Tally tally) {
        Metric.Builder b = m.toBuilder();
        if (m.getMetadataCount() > 0) {
            // Metadata has no dropped count of its own; extras are dropped and counted in the metrics only.
            b.clearMetadata().addAllMetadata(AttributeLimits.apply(m.getMetadataList(), maxAttributes, maxLength, tally));
        }
        switch (m.getDataCase()) {
            case GAUGE -> b.setGauge(m.getGauge().toBuilder().clearDataPoints()
                    .addAllDataPoints(numberPoints(m.getGauge().getDataPointsList(), pointReasons, tally)));
            case SUM -> b.setSum(m.getSum().toBuilder().clearDataPoints()
                    .addAllDataPoints(numberPoints(m.getSum().getDataPointsList(), pointReasons, tally)));
            case HISTOGRAM -> {
                List<HistogramDataPoint> out = new ArrayList<>();
                List<HistogramDataPoint> in = m.getHistogram().getDataPointsList();
                for (int i = 0; i < in.size(); i++) {
                    if (rejected(pointReasons, i)) {
                        continue;
                    }
                    HistogramDataPoint p = in.get(i);
                    List<KeyValue> a = AttributeLimits.apply(p.getAttributesList(), maxAttributes, maxLength, tally);
                    out.add(p.toBuilder().clearAttributes().addAllAttributes(a)
                            .clearExemplars().addAllExemplars(exemplars(p.getExemplarsList(), tally)).build());
                }
                b.setHistogram(m.getHistogram().toBuilder().clearDataPoints().addAllDataPoints(out));
            }
            case EXPONENTIAL_HISTOGRAM -> {
                List<ExponentialHistogramDataPoint> out = new ArrayList<>();
                List<ExponentialHistogramDataPoint> in = m.getExponentialHistogram().getDataPointsList();
                for (int i = 0; i < in.size(); i++) {
                    if (rejected(pointReasons, i)) {
                        continue;
                    }
                    ExponentialHistogramDataPoint p = in.get(i);
                    List<KeyValue> a = AttributeLimits.apply(p.getAttributesList(), maxAttributes, maxLength, tally);
                    out.add(p.toBuilder().clearAttributes().addAllAttributes(a)
                            .clearExemplars().addAllExemplars(exemplars(p.getExemplarsList(), tally)).build());
                }
                b.setExponentialHistogram(m.getExponentialHistogram().toBuilder().clearDataPoints().addAllDataPoints(out));
            }
            case SUMMARY -> {
                List<SummaryDataPoint> out = new ArrayList<>();
                List<SummaryDataPoint> in = m.getSummary().getDataPointsList();
                for (int i = 0; i < in.size(); i++) {
                    if (rejected(pointReasons, i)) {
                        continue;
                    }
                    SummaryDataPoint p = in.get(i);
                    out.add(p.toBuilder().clearAttributes()
                            .addAllAttributes(AttributeLimits.apply(p.getAttributesList(), maxAttributes, maxLength, tally)).build());
                }
                b.setSummary(m.getSummary().toBuilder().clearDataPoints().addAllDataPoints(out));
            }
            default -> {
            }
        }
        return b.build();
    }

    private List<NumberDataPoint> numberPoints(List<NumberDataPoint> in, Reason[] pointReasons, Tally tally) {
        List<NumberDataPoint> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            if (rejected(pointReasons, i)) {
                continue;
            }
            NumberDataPoint p = in.get(i);
            List<KeyValue> a = AttributeLimits.apply(p.getAttributesList(), maxAttributes, maxLength, tally);
            out.add(p.toBuilder().clearAttributes().addAllAttributes(a)
                    .clearExemplars().addAllExemplars(exemplars(p.getExemplarsList(), tally)).build());
        }
        return out;
    }

    private List<Exemplar> exemplars(List<Exemplar> in, Tally tally) {
        List<Exemplar> out = new ArrayList<>(in.size());
        for (Exemplar e : in) {
            boolean traceOk = e.getTraceId().isEmpty() || validTraceId(e.getTraceId());
            boolean spanOk = e.getSpanId().isEmpty() || validSpanId(e.getSpanId());
            if (!traceOk || !spanOk) {
                tally.limit(LimitKind.EXEMPLAR_DROPPED, 1);
                continue;
            }
            List<KeyValue> a = AttributeLimits.apply(e.getFilteredAttributesList(), maxAttributes, maxLength, tally);
            out.add(a == e.getFilteredAttributesList() ? e
                    : e.toBuilder().clearFilteredAttributes().addAllFilteredAttributes(a).build());
        }
        return out;
    }

    private static boolean rejected(Reason[] reasons, int i) {
        return reasons != null && i < reasons.length && reasons[i] != null;
    }

    static boolean validTraceId(ByteString id) {
        return id.size() == 16 && !isZero(id);
    }

    static boolean validSpanId(ByteString id) {
        return id.size() == 8 && !isZero(id);
    }

    private static boolean isZero(ByteString id) {
        for (int i = 0; i < id.size(); i++) {
            if (id.byteAt(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The message as a whole length-delimited field: tag, length, bytes. */
    static byte[] field(int number, MessageLite m) {
        byte[] out = new byte[CodedOutputStream.computeMessageSize(number, m)];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        try {
            cos.writeMessage(number, m);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
