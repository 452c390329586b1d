package io.fnscope.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fnscope.collector.ScannedRequest.Block;
import io.fnscope.collector.ScannedRequest.Item;
import io.fnscope.collector.ScannedRequest.Seg;
import io.fnscope.pipeline.Signal;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static io.fnscope.collector.Wire.I32;
import static io.fnscope.collector.Wire.I64;
import static io.fnscope.collector.Wire.LEN;

/**
 * Checks an OTLP export request (traces, metrics or logs; protobuf) in one pass over its bytes, building no message
 * objects: the request's structure, every item's ids and timestamps, attribute counts and value lengths. It decides
 * which items are rejected ({@link Reason}) and which need {@link ItemFixer} to apply limits; everything else is
 * left as bytes to be forwarded unchanged.
 *
 * <p>Field numbers are those of opentelemetry-proto 1.x (collector/RATIONALE.md, "Checking bytes, not objects").
 * A known field with an unexpected wire type is skipped as an unknown field, as protobuf-java does. Resource and
 * InstrumentationScope headers are few and small, so they are parsed with protobuf itself.
 */
final class OtlpScanner {
    /** Deeper AnyValue nesting (arrays in kvlists in arrays...) is refused; protobuf's own limit is 100 messages. */
    static final int MAX_VALUE_DEPTH = 32;

    private final int maxAttributes;
    private final int maxValueLength;
    private final int maxEvents;
    private final int maxLinks;
    private final long maxAheadNanos;
    private final Clock clock;

    OtlpScanner(CollectorSettings settings, Clock clock) {
        this.maxAttributes = settings.maxAttributes();
        this.maxValueLength = settings.maxAttributeValueLength();
        this.maxEvents = settings.maxEventsPerSpan();
        this.maxLinks = settings.maxLinksPerSpan();
        // Off (0) is "any time the tables hold".
        this.maxAheadNanos = settings.maxTimeAhead().isZero() ? Long.MAX_VALUE : saturatedNanos(settings.maxTimeAhead());
        this.clock = clock;
    }

    /**
     * The last day ClickHouse's {@code Date} holds, which the tables partition by: a later time lands in a wrong
     * partition (tried: a span of 2264 was stored as 1680, a {@code DateTime64(9)} being a signed count of
     * nanoseconds, in a partition dated 2079).
     */
    static final long LATEST_STORABLE_NANOS = Instant.parse("2149-06-06T00:00:00Z").getEpochSecond() * 1_000_000_000L;

    /** The latest item time a request scanned now may carry: the clock plus max-time-ahead, at most 2149-06-06 00:00. */
    long latestTime() {
        Instant now = clock.instant();
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return nowNanos + Math.min(maxAheadNanos, LATEST_STORABLE_NANOS - nowNanos); // no overflow, never past it
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** True when {@code time} (Unix ns, an unsigned fixed64) is after {@code latest}. */
    private static boolean tooLate(long time, long latest) {
        return Long.compareUnsigned(time, latest) > 0;
    }

    /**
     * @throws InvalidTelemetryException when the bytes are not a well-formed export request
     */
    ScannedRequest scan(Signal signal, byte[] buf) {
        ScannedRequest req = new ScannedRequest(signal, buf, latestTime());
        Wire w = new Wire(buf, 0, buf.length);
        while (w.more()) {
            int start = w.pos;
            int tag = w.tag();
            if (tag == (1 << 3 | LEN)) {
                int len = w.length();
                int valueStart = w.pos;
                w.pos += len;
                req.resources.add(resourceBlock(req, start, valueStart, w.pos));
            } else {
                w.skip(tag);
            }
        }
        return req;
    }

    private Block resourceBlock(ScannedRequest req, int start, int valueStart, int end) {
        Block block = new Block(start, valueStart, end, true);
        Wire w = new Wire(req.buf, valueStart, end);
        while (w.more()) {
            int fieldStart = w.pos;
            int tag = w.tag();
            int field = tag >>> 3;
            if (field == 2 && (tag & 7) == LEN) {
                int len = w.length();
                int vs = w.pos;
                w.pos += len;
                block.scopes.add(scopeBlock(req, fieldStart, vs, w.pos));
            } else if (field == 1 && (tag & 7) == LEN) {
                int len = w.length();
                Seg seg = new Seg(fieldStart, w.pos, w.pos + len);
                seg.fix = resourceNeedsFix(req.buf, w.pos, len);
                req.changed |= seg.fix;
                w.pos += len;
                block.header.add(seg);
            } else {
                if (field == 3 && (tag & 7) == LEN) {
                    w.string();
                } else {
                    w.skip(tag);
                }
                block.header.add(new Seg(fieldStart, fieldStart, w.pos));
            }
        }
        return block;
    }

    private Block scopeBlock(ScannedRequest req, int start, int valueStart, int end) {
        Block block = new Block(start, valueStart, end, false);
        Wire w = new Wire(req.buf, valueStart, end);
        while (w.more()) {
            int fieldStart = w.pos;
            int tag = w.tag();
            int field = tag >>> 3;
            if (field == 2 && (tag & 7) == LEN) {
                int len = w.length();
                Item item = new Item(fieldStart, w.pos, w.pos + len);
                switch (req.signal) {
                    case TRACES -> span(req, item);
                    case METRICS -> metric(req, item);
                    case LOGS -> logRecord(req, item);
                    default -> throw new IllegalArgumentException("not an OTLP signal: " + req.signal);
                }
                w.pos = item.end;
                block.items.add(item);
            } else if (field == 1 && (tag & 7) == LEN) {
                int len = w.length();
                Seg seg = new Seg(fieldStart, w.pos, w.pos + len);
                seg.fix = scopeNeedsFix(req.buf, w.pos, len);
                req.changed |= seg.fix;
                w.pos += len;
                block.header.add(seg);
            } else {
                if (field == 3 && (tag & 7) == LEN) {
                    w.string();
                } else {
                    w.skip(tag);
                }
                block.header.add(new Seg(fieldStart, fieldStart, w.pos));
            }
        }
        return block;
    }

    // ---------------------------------------------------------------- traces

    private void span(ScannedRequest req, Item item) {
        Wire w = new Wire(req.buf, item.valueStart, item.end);
        byte[] b = req.buf;
        int traceAt = 0;
        int traceLen = 0;
        int spanAt = 0;
        int spanLen = 0;
        int parentAt = 0;
        int parentLen = 0;
        long start = 0;
        long end = 0;
        int attributes = 0;
        int events = 0;
        int links = 0;
        boolean fix = false;
        while (w.more()) {
            int tag = w.tag();
            int type = tag & 7;
            switch (tag >>> 3) {
                case 1 -> {
                    if (type != LEN) {
                        w.skip(tag);
                        break;
                    }
                    traceLen = w.length();
                    traceAt = w.pos;
                    w.pos += traceLen;
                }
                case 2 -> {
                    if (type != LEN) {
                        w.skip(tag);
                        break;
                    }
                    spanLen = w.length();
                    spanAt = w.pos;
                    w.pos += spanLen;
                }
                case 4 -> {
                    if (type != LEN) {
                        w.skip(tag);
                        break;
                    }
                    parentLen = w.length();
                    parentAt = w.pos;
                    w.pos += parentLen;
                }
                case 3, 5 -> stringOrSkip(w, tag);
                case 7 -> start = fixed64OrSkip(w, tag, start);
                case 8 -> end = fixed64OrSkip(w, tag, end);
                case 9 -> {
                    if (type == LEN) {
                        attributes++;
                        fix |= keyValue(w, 0);
                    } else {
                        w.skip(tag);
                    }
                }
                case 11 -> {
                    if (type == LEN) {
                        events++;
                        fix |= event(w);
                    } else {
                        w.skip(tag);
                    }
                }
                case 13 -> {
                    if (type == LEN) {
                        links++;
                        fix |= link(w);
                    } else {
                        w.skip(tag);
                    }
                }
                case 15 -> {
                    if (type == LEN) {
                        status(w);
                    } else {
                        w.skip(tag);
                    }
                }
                default -> w.skip(tag);
            }
        }
        item.count = 1;
        req.items++;
        Reason reason = null;
        if (traceLen != 16 || Wire.allZero(b, traceAt, 16)) {
            reason = Reason.INVALID_TRACE_ID;
        } else if (spanLen != 8 || Wire.allZero(b, spanAt, 8)) {
            reason = Reason.INVALID_SPAN_ID;
        } else if (parentLen != 0 && parentLen != 8) {
            reason = Reason.INVALID_PARENT_SPAN_ID;
        } else if (start == 0) {
            reason = Reason.MISSING_START_TIME;
        } else if (Long.compareUnsigned(end, start) < 0) {
            reason = Reason.END_BEFORE_START;
        } else if (tooLate(end, req.latestTime)) {
            reason = Reason.SPAN_TIME_AHEAD; // the end is not before the start, so this covers both
        }
        if (reason != null) {
            item.reason = reason;
            req.tally.reject(reason, 1);
            req.changed = true;
            return;
        }
        fix |= parentLen == 8 && Wire.allZero(b, parentAt, 8);
        fix |= attributes > maxAttributes || events > maxEvents || links > maxLinks;
        item.fix = fix;
        req.changed |= fix;
    }

    /** Span.Event; true when it needs limits applied. */
    private boolean event(Wire w) {
        int outer = w.enter();
        int attributes = 0;
        boolean fix = false;
        while (w.more()) {
            int tag = w.tag();
            int field = tag >>> 3;
            if (field == 2) {
                stringOrSkip(w, tag);
            } else if (field == 3 && (tag & 7) == LEN) {
                attributes++;
                fix |= keyValue(w, 0);
            } else {
                w.skip(tag);
            }
        }
        w.leave(outer);
        return fix || attributes > maxAttributes;
    }

    /** Span.Link; true when it needs limits applied or is dropped for malformed ids. */
    private boolean link(Wire w) {
        int outer = w.enter();
        int attributes = 0;
        boolean fix = false;
        int traceLen = 0;
        int traceAt = 0;
        int spanLen = 0;
        int spanAt = 0;
        while (w.more()) {
            int tag = w.tag();
            int field = tag >>> 3;
            int type = tag & 7;
            if (field == 1 && type == LEN) {
                traceLen = w.length();
                traceAt = w.pos;
                w.pos += traceLen;
            } else if (field == 2 && type == LEN) {
                spanLen = w.length();
                spanAt = w.pos;
                w.pos += spanLen;
            } else if (field == 3) {
                stringOrSkip(w, tag);
            } else if (field == 4 && type == LEN) {
                attributes++;
                fix |= keyValue(w, 0);
            } else {
                w.skip(tag);
            }
        }
        w.leave(outer);
        boolean badIds = traceLen != 16 || Wire.allZero(w.buf, traceAt, 16)
                || spanLen != 8 || Wire.allZero(w.buf, spanAt, 8);
        return fix || badIds || attributes > maxAttributes;
    }

    private void status(Wire w) {
        int outer = w.enter();
        while (w.more()) {
            int tag = w.tag();
            if (tag >>> 3 == 2) {
                stringOrSkip(w, tag);
            } else {
                w.skip(tag);
            }
        }
        w.leave(outer);
    }

    // ---------------------------------------------------------------- logs

    private void logRecord(ScannedRequest req, Item item) {
        Wire w = new Wire(req.buf, item.valueStart, item.end);
        int traceLen = 0;
        int traceAt = 0;
        int spanLen = 0;
        int spanAt = 0;
        int attributes = 0;
        long time = 0;
        long observed = 0;
        boolean fix = false;
        while (w.more()) {
            int tag = w.tag();
            int type = tag & 7;
            switch (tag >>> 3) {
                case 1 -> time = fixed64OrSkip(w, tag, time);
                case 11 -> observed = fixed64OrSkip(w, tag, observed);
                case 3, 12 -> stringOrSkip(w, tag);
                case 5 -> {
                    if (type == LEN) {
                        int bodyLimit = w.enter();
                        anyValue(w, 0, false);
                        w.leave(bodyLimit);
                    } else {
                        w.skip(tag);
                    }
                }
                case 6 -> {
                    if (type == LEN) {
                        attributes++;
                        fix |= keyValue(w, 0);
                    } else {
                        w.skip(tag);
                    }
                }
                case 9 -> {
                    if (type != LEN) {
                        w.skip(tag);
                        break;
                    }
                    traceLen = w.length();
                    traceAt = w.pos;
                    w.pos += traceLen;
                }
                case 10 -> {
                    if (type != LEN) {
                        w.skip(tag);
                        break;
                    }
                    spanLen = w.length();
                    spanAt = w.pos;
                    w.pos += spanLen;
                }
                default -> w.skip(tag);
            }
        }
        item.count = 1;
        req.items++;
        Reason reason = null;
        if (traceLen != 0 && (traceLen != 16 || Wire.allZero(req.buf, traceAt, 16))) {
            reason = Reason.LOG_TRACE_ID;
        } else if (spanLen != 0 && (spanLen != 8 || Wire.allZero(req.buf, spanAt, 8))) {
            reason = Reason.LOG_SPAN_ID;
        } else if (tooLate(time, req.latestTime) || tooLate(observed, req.latestTime)) {
            reason = Reason.LOG_TIME_AHEAD;
        }
        if (reason != null) {
            item.reason = reason;
            req.tally.reject(reason, 1);
            req.changed = true;
            return;
        }
        item.fix = fix || attributes > maxAttributes;
        req.changed |= item.fix;
    }

    // ---------------------------------------------------------------- metrics

    private static final int NUMBER = 0;
    private static final int HISTOGRAM = 1;
    private static final int EXP_HISTOGRAM = 2;
    private static final int SUMMARY = 3;

    /** Per metric: data points found so far and why each is rejected. */
    private static final class Points {
        int count;
        Reason[] reasons;
        boolean fix;

        void add(Reason reason) {
            if (reason != null) {
                if (reasons == null) {
                    reasons = new Reason[Math.max(8, count + 1)];
                } else if (reasons.length <= count) {
                    reasons = java.util.Arrays.copyOf(reasons, Math.max(reasons.length * 2, count + 1));
                }
                reasons[count] = reason;
            }
            count++;
        }
    }

    private void metric(ScannedRequest req, Item item) {
        Wire w = new Wire(req.buf, item.valueStart, item.end);
        int nameUnits = 0;
        int dataField = 0;
        int metadata = 0;
        boolean fix = false;
        Points points = new Points();
        while (w.more()) {
            int tag = w.tag();
            int field = tag >>> 3;
            int type = tag & 7;
            if (field == 1 && type == LEN) {
                nameUnits = w.string();
            } else if ((field == 2 || field == 3) && type == LEN) {
                w.string();
            } else if ((field == 5 || field == 7 || field == 9 || field == 10 || field == 11) && type == LEN) {
                if (dataField != 0 && dataField != field) {
                    points = new Points(); // a later member of the oneof replaces the earlier one, as in protobuf
                }
                dataField = field;
                int kind = switch (field) {
                    case 9 -> HISTOGRAM;
                    case 10 -> EXP_HISTOGRAM;
                    case 11 -> SUMMARY;
                    default -> NUMBER;
                };
                int dataLimit = w.enter();
                while (w.more()) {
                    int t = w.tag();
                    if (t == (1 << 3 | LEN)) {
                        dataPoint(w, kind, points, req.latestTime);
                    } else {
                        w.skip(t);
                    }
                }
                w.leave(dataLimit);
            } else if (field == 12 && type == LEN) {
                metadata++;
                fix |= keyValue(w, 0);
            } else {
                w.skip(tag);
            }
        }
        item.count = points.count;
        req.items += points.count;
        if (nameUnits == 0) {
            item.reason = Reason.MISSING_METRIC_NAME;
            req.tally.reject(Reason.MISSING_METRIC_NAME, points.count);
            req.changed = true;
            return;
        }
        if (points.reasons != null) {
            int bad = 0;
            Reason first = null;
            for (int i = 0; i < points.count; i++) {
                Reason r = points.reasons[i];
                if (r != null) {
                    bad++;
                    first = first == null ? r : first;
                    req.tally.reject(r, 1);
                }
            }
            req.changed = true;
            if (bad == points.count) {
                item.reason = first;
                return;
            }
            item.pointReasons = points.reasons;
            fix = true;
        }
        item.fix = fix || points.fix || metadata > maxAttributes;
        req.changed |= item.fix;
    }

    private void dataPoint(Wire w, int kind, Points points, long latestTime) {
        int outer = w.enter();
        int attributesField = switch (kind) {
            case HISTOGRAM -> 9;
            case EXP_HISTOGRAM -> 1;
            default -> 7;
        };
        int exemplarsField = switch (kind) {
            case HISTOGRAM -> 8;
            case EXP_HISTOGRAM -> 11;
            case SUMMARY -> -1;
            default -> 5;
        };
        long time = 0;
        int attributes = 0;
        int bucketCounts = 0;
        int bounds = 0;
        boolean fix = false;
        while (w.more()) {
            int tag = w.tag();
            int field = tag >>> 3;
            int type = tag & 7;
            if (field == 3 && type == I64) {
                time = w.fixed64();
            } else if (field == attributesField && type == LEN) {
                attributes++;
                fix |= keyValue(w, 0);
            } else if (field == exemplarsField && type == LEN) {
                fix |= exemplar(w);
            } else if (kind == HISTOGRAM && (field == 6 || field == 7)) {
                int n;
                if (type == I64) {
                    w.fixed64();
                    n = 1;
                } else if (type == LEN) {
                    int l = w.length();
                    if (l % 8 != 0) {
                        throw Wire.malformed("a packed repeated fixed64/double field has a length that is not a multiple of 8");
                    }
                    w.pos += l;
                    n = l / 8;
                } else {
                    w.skip(tag);
                    n = 0;
                }
                if (field == 6) {
                    bucketCounts += n;
                } else {
                    bounds += n;
                }
            } else {
                w.skip(tag);
            }
        }
        w.leave(outer);
        Reason reason = null;
        if (time == 0) {
            reason = Reason.MISSING_TIME;
        } else if (tooLate(time, latestTime)) {
            reason = Reason.POINT_TIME_AHEAD;
        } else if (kind == HISTOGRAM && bucketCounts != 0 && bucketCounts != bounds + 1) {
            reason = Reason.HISTOGRAM_BUCKETS;
        }
        points.fix |= reason == null && (fix || attributes > maxAttributes);
        points.add(reason);
    }

    /** Exemplar; true when its filtered attributes exceed the limits or its ids are malformed (dropped). */
    private boolean exemplar(Wire w) {
        int outer = w.enter();
        int attributes = 0;
        boolean fix = false;
        int traceLen = 0;
        int traceAt = 0;
        int spanLen = 0;
        int spanAt = 0;
        while (w.more()) {
            int tag = w.tag();
            int field = tag >>> 3;
            int type = tag & 7;
            if (field == 7 && type == LEN) {
                attributes++;
                fix |= keyValue(w, 0);
            } else if (field == 5 && type == LEN) {
                traceLen = w.length();
                traceAt = w.pos;
                w.pos += traceLen;
            } else if (field == 4 && type == LEN) {
                spanLen = w.length();
                spanAt = w.pos;
                w.pos += spanLen;
            } else {
                w.skip(tag);
            }
        }
        w.leave(outer);
        boolean badIds = (traceLen != 0 && (traceLen != 16 || Wire.allZero(w.buf, traceAt, 16)))
                || (spanLen != 0 && (spanLen != 8 || Wire.allZero(w.buf, spanAt, 8)));
        return fix || badIds || attributes > maxAttributes;
    }

    // ---------------------------------------------------------------- common

    /** A KeyValue at the reader's position (length prefix next); true when a string value is too long. */
    private boolean keyValue(Wire w, int depth) {
        int outer = w.enter();
        boolean fix = false;
        while (w.more()) {
            int tag = w.tag();
            int field = tag >>> 3;
            if (field == 1) {
                stringOrSkip(w, tag);
            } else if (field == 2 && (tag & 7) == LEN) {
                int kvLimit = w.enter();
                fix |= anyValue(w, depth + 1, true);
                w.leave(kvLimit);
            } else {
                w.skip(tag);
            }
        }
        w.leave(outer);
        return fix;
    }

    /** The fields of an AnyValue; true when {@code limited} and a string in it is longer than the limit. */
    private boolean anyValue(Wire w, int depth, boolean limited) {
        if (depth > MAX_VALUE_DEPTH) {
            throw Wire.malformed("an attribute value nests arrays or key-value lists deeper than "
                    + MAX_VALUE_DEPTH + " levels");
        }
        boolean fix = false;
        while (w.more()) {
            int tag = w.tag();
            int field = tag >>> 3;
            int type = tag & 7;
            if (field == 1 && type == LEN) {
                fix |= w.string() > maxValueLength && limited;
            } else if (field == 5 && type == LEN) {
                int arrayLimit = w.enter();
                while (w.more()) {
                    int t = w.tag();
                    if (t == (1 << 3 | LEN)) {
                        int valueLimit = w.enter();
                        fix |= anyValue(w, depth + 1, limited);
                        w.leave(valueLimit);
                    } else {
                        w.skip(t);
                    }
                }
                w.leave(arrayLimit);
            } else if (field == 6 && type == LEN) {
                int listLimit = w.enter();
                while (w.more()) {
                    int t = w.tag();
                    if (t == (1 << 3 | LEN)) {
                        fix |= keyValue(w, depth + 1) && limited;
                    } else {
                        w.skip(t);
                    }
                }
                w.leave(listLimit);
            } else {
                w.skip(tag);
            }
        }
        return fix;
    }

    /** A fixed64 field's value; {@code otherwise} after skipping a field of another wire type. */
    private static long fixed64OrSkip(Wire w, int tag, long otherwise) {
        if ((tag & 7) == I64) {
            return w.fixed64();
        }
        w.skip(tag);
        return otherwise;
    }

    private static void stringOrSkip(Wire w, int tag) {
        if ((tag & 7) == LEN) {
            w.string();
        } else {
            w.skip(tag);
        }
    }

    private boolean resourceNeedsFix(byte[] buf, int off, int len) {
        try {
            Resource r = Resource.parser().parseFrom(buf, off, len);
            return AttributeLimits.exceeds(r.getAttributesList(), maxAttributes, maxValueLength);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidTelemetryException("a resource is malformed: " + e.getMessage(), e);
        }
    }

    private boolean scopeNeedsFix(byte[] buf, int off, int len) {
        try {
            InstrumentationScope s = InstrumentationScope.parser().parseFrom(buf, off, len);
            return AttributeLimits.exceeds(s.getAttributesList(), maxAttributes, maxValueLength);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidTelemetryException("an instrumentation scope is malformed: " + e.getMessage(), e);
        }
    }
}
