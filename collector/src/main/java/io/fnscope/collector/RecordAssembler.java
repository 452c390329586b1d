package io.fnscope.collector;

import io.fnscope.collector.ScannedRequest.Block;
import io.fnscope.collector.ScannedRequest.Item;
import io.fnscope.collector.ScannedRequest.Seg;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a checked request into Kafka record values of at most {@code maxRecordBytes} each.
 *
 * <p>When nothing was rejected or changed and the request fits one record, the value is the request's own byte
 * array: no copy, no re-encoding. Otherwise the kept items are copied (or their replacements written) into new
 * export requests, each repeating the resource and scope headers of its items, so every record is a complete,
 * self-describing export request. Resource and scope blocks that end up without items are left out. An item that
 * cannot fit a record even alone is rejected ({@link Reason#TOO_LARGE}).
 */
final class RecordAssembler {
    /** A record value and the number of items in it. */
    record Part(byte[] value, int items) {
    }

    /** Worst-case size of a block's tag and length prefix: one tag byte and a 5-byte varint. */
    private static final int PREFIX = 6;

    private RecordAssembler() {
    }

    static List<Part> assemble(ScannedRequest req, int maxRecordBytes) {
        if (!req.changed && req.buf.length <= maxRecordBytes) {
            return req.items == 0 ? List.of() : List.of(new Part(req.buf, req.items));
        }
        for (Block r : req.resources) {
            int rOverhead = PREFIX + r.headerSize();
            for (Block s : r.scopes) {
                int sOverhead = PREFIX + s.headerSize();
                for (Item item : s.items) {
                    if (item.reason == null && rOverhead + sOverhead + item.size() > maxRecordBytes) {
                        item.tooLarge = true;
                        req.tally.reject(Reason.TOO_LARGE, item.count);
                    }
                }
            }
        }
        List<Part> parts = new ArrayList<>(1);
        PartBuilder pb = new PartBuilder(req.buf);
        for (Block r : req.resources) {
            int rOverhead = PREFIX + r.headerSize();
            for (Block s : r.scopes) {
                int sOverhead = PREFIX + s.headerSize();
                for (Item item : s.items) {
                    if (!item.kept()) {
                        continue;
                    }
                    int cost = item.size() + (pb.openScope == s ? 0 : sOverhead) + (pb.openResource == r ? 0 : rOverhead);
                    if (pb.fields > 0 && pb.estimate + cost > maxRecordBytes) {
                        parts.add(pb.build());
                        pb = new PartBuilder(req.buf);
                        cost = item.size() + sOverhead + rOverhead;
                    }
                    pb.add(r, s, item, cost);
                }
            }
        }
        if (pb.fields > 0) {
            parts.add(pb.build());
        }
        return parts;
    }

    /** Collects the items of one record value, grouped by their resource and scope, then encodes them. */
    private static final class PartBuilder {
        final byte[] source;
        final List<Block> resources = new ArrayList<>(2);
        final List<List<Block>> scopes = new ArrayList<>(2);
        final List<List<List<Item>>> items = new ArrayList<>(2);
        Block openResource;
        Block openScope;
        /** Upper bound of the encoded size so far. */
        int estimate;
        /** Item fields (spans, metrics, log records) added. */
        int fields;
        /** Spans, data points or log records added. */
        int itemsCount;

        PartBuilder(byte[] source) {
            this.source = source;
        }

        void add(Block r, Block s, Item item, int cost) {
            if (openResource != r) {
                resources.add(r);
                scopes.add(new ArrayList<>(2));
                items.add(new ArrayList<>(2));
                openResource = r;
                openScope = null;
            }
            int ri = resources.size() - 1;
            if (openScope != s) {
                scopes.get(ri).add(s);
                items.get(ri).add(new ArrayList<>());
                openScope = s;
            }
            List<List<Item>> perScope = items.get(ri);
            perScope.get(perScope.size() - 1).add(item);
            estimate += cost;
            fields++;
            itemsCount += item.count;
        }

        Part build() {
            // Exact sizes, innermost first.
            int nr = resources.size();
            int[][] scopeLens = new int[nr][];
            int[] resourceLens = new int[nr];
            int total = 0;
            for (int ri = 0; ri < nr; ri++) {
                List<Block> ss = scopes.get(ri);
                scopeLens[ri] = new int[ss.size()];
                int rLen = resources.get(ri).headerSize();
                for (int si = 0; si < ss.size(); si++) {
                    int sLen = ss.get(si).headerSize();
                    for (Item item : items.get(ri).get(si)) {
                        sLen += item.size();
                    }
                    scopeLens[ri][si] = sLen;
                    rLen += 1 + Wire.varintSize(sLen) + sLen;
                }
                resourceLens[ri] = rLen;
                total += 1 + Wire.varintSize(rLen) + rLen;
            }
            byte[] out = new byte[total];
            int at = 0;
            for (int ri = 0; ri < nr; ri++) {
                Block r = resources.get(ri);
                out[at++] = (byte) (1 << 3 | Wire.LEN);
                at = Wire.putVarint(out, at, resourceLens[ri]);
                at = copyHeader(r, out, at);
                List<Block> ss = scopes.get(ri);
                for (int si = 0; si < ss.size(); si++) {
                    Block s = ss.get(si);
                    out[at++] = (byte) (2 << 3 | Wire.LEN);
                    at = Wire.putVarint(out, at, scopeLens[ri][si]);
                    at = copyHeader(s, out, at);
                    for (Item item : items.get(ri).get(si)) {
                        at = copy(item, out, at);
                    }
                }
            }
            if (at != total) {
                throw new IllegalStateException("record size computed as " + total + " but " + at + " bytes written");
            }
            return new Part(out, itemsCount);
        }

        private int copyHeader(Block b, byte[] out, int at) {
            for (Seg h : b.header) {
                at = copy(h, out, at);
            }
            return at;
        }

        private int copy(Seg seg, byte[] out, int at) {
            if (seg.replacement != null) {
                System.arraycopy(seg.replacement, 0, out, at, seg.replacement.length);
                return at + seg.replacement.length;
            }
            System.arraycopy(source, seg.start, out, at, seg.end - seg.start);
            return at + seg.end - seg.start;
        }
    }
}
