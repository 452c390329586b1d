package io.fnscope.collector;

import io.fnscope.pipeline.Signal;

import java.util.ArrayList;
import java.util.List;

/**
 * An OTLP export request as {@link OtlpScanner} found it: where each resource block, scope block and item sits in
 * the original bytes, which items are rejected and which need changing. {@link ItemFixer} fills in replacements and
 * {@link RecordAssembler} turns it into Kafka record values, copying every untouched byte range as it is.
 */
final class ScannedRequest {
    final Signal signal;
    final byte[] buf;
    final List<Block> resources = new ArrayList<>(2);
    final Tally tally = new Tally();
    /** Spans, metric data points or log records in the request. */
    int items;
    /** True when some item or header is rejected or must change: the original bytes cannot be forwarded as they are. */
    boolean changed;

    /** The latest item time accepted, in Unix ns (compared unsigned): the collector's clock plus max-time-ahead. */
    final long latestTime;

    ScannedRequest(Signal signal, byte[] buf, long latestTime) {
        this.signal = signal;
        this.buf = buf;
        this.latestTime = latestTime;
    }

    /** Items not rejected (so far). */
    int acceptedItems() {
        return items - tally.rejected();
    }

    /**
     * A whole field of the original buffer, {@code [start, end)} covering tag, length prefix and value; the value
     * starts at {@code valueStart}. A non-null {@code replacement} (the whole re-encoded field) takes its place.
     */
    static class Seg {
        final int start;
        final int valueStart;
        final int end;
        byte[] replacement;
        /** The field is a Resource or InstrumentationScope whose attributes exceed the limits. */
        boolean fix;

        Seg(int start, int valueStart, int end) {
            this.start = start;
            this.valueStart = valueStart;
            this.end = end;
        }

        int size() {
            return replacement != null ? replacement.length : end - start;
        }
    }

    /** A ResourceSpans/ResourceMetrics/ResourceLogs (children: scope blocks) or a Scope* block (children: items). */
    static final class Block extends Seg {
        /** Its fields other than the children, in order (resource or scope, schema_url, unknown fields). */
        final List<Seg> header = new ArrayList<>(2);
        final List<Block> scopes;
        final List<Item> items;

        Block(int start, int valueStart, int end, boolean resource) {
            super(start, valueStart, end);
            this.scopes = resource ? new ArrayList<>(2) : null;
            this.items = resource ? null : new ArrayList<>();
        }

        int headerSize() {
            int n = 0;
            for (Seg s : header) {
                n += s.size();
            }
            return n;
        }
    }

    /** A span, a metric (with its data points) or a log record. */
    static final class Item extends Seg {
        /** 1 for spans and log records; the number of data points for a metric. */
        int count;
        /** Why the whole item is rejected, or null. */
        Reason reason;
        /** For metrics: why each data point is rejected (null entries are fine), or null when all are fine. */
        Reason[] pointReasons;
        /** Set by the assembler when the item alone exceeds the record size limit. */
        boolean tooLarge;

        Item(int start, int valueStart, int end) {
            super(start, valueStart, end);
        }

        boolean kept() {
            return reason == null && !tooLarge;
        }
    }
}
