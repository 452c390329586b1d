package io.fnscope.writer;

import io.fnscope.cost.InvocationPricer;
import io.fnscope.cost.PricingCatalog;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/bench writer encode}: the writer's own work per span, alone: parse an OTLP record (protobuf) and encode
 * its rows into the column buffers of {@code spans}, {@code invocations} and {@code edge_calls}
 * ({@link TraceRows}), on one thread, without Kafka or ClickHouse. The throughput run reports the same work as
 * "writer loop" CPU, mixed with polling and commits and skewed by the engine's threads sharing the cores; this
 * measure is steady enough to compare two versions of the encoders within a few per cent.
 *
 * <p>Keys: {@code spans} (default 400,000 per round), {@code rounds} (15; the first 5 warm the JIT up and are not
 * counted), {@code traces-per-record} (10, as the throughput run).
 */
final class EncodeBench {
    private EncodeBench() {
    }

    static void run(Map<String, String> o) throws Exception {
        long target = Long.parseLong(o.getOrDefault("spans", "400000"));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "15"));
        int perRecord = Integer.parseInt(o.getOrDefault("traces-per-record", "10"));
        LambdaTraceMix mix = new LambdaTraceMix(42);
        long start = System.currentTimeMillis() * 1_000_000L;
        List<byte[]> records = new java.util.ArrayList<>();
        while (mix.spans < target) {
            records.add(mix.record(perRecord, start + mix.spans * 100_000L));
        }
        long spans = mix.spans;
        long bytes = records.stream().mapToLong(r -> r.length).sum();
        TraceRows rows = new TraceRows(new InvocationPricer(PricingCatalog.load(null)));
        TableBuffer.Spans spanRows = new TableBuffer.Spans();
        TableBuffer.Invocations invocations = new TableBuffer.Invocations();
        TableBuffer.EdgeCalls edges = new TableBuffer.EdgeCalls();
        var threads = ManagementFactory.getThreadMXBean();
        int warmup = Math.min(5, rounds - 1);
        double[] nsPerSpan = new double[rounds - warmup];
        long rowBytes = 0;
        for (int round = 0; round < rounds; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            int batch = 0;
            for (byte[] r : records) {
                spanRows.begin(batch);
                invocations.begin(batch);
                edges.begin(batch);
                rows.write("bench", ExportTraceServiceRequest.parseFrom(r), spanRows, invocations, edges);
                spanRows.commit();
                invocations.commit();
                edges.commit();
                if (++batch == 2500) { // ~110,000 spans, as a flush of the throughput run
                    rowBytes = spanRows.byteSize() + invocations.byteSize() + edges.byteSize();
                    spanRows.clear();
                    invocations.clear();
                    edges.clear();
                    batch = 0;
                }
            }
            spanRows.clear();
            invocations.clear();
            edges.clear();
            if (round >= warmup) {
                nsPerSpan[round - warmup] = (threads.getCurrentThreadCpuTime() - cpu) / (double) spans;
            }
        }
        Arrays.sort(nsPerSpan);
        System.out.println(String.format(Locale.ROOT, "ENCODE %,.0f ns/span median (min %,.0f, max %,.0f) over %d rounds"
                        + " of %,d spans in %,d records (%,d bytes of OTLP, %.0f per span); one thread: protobuf parse,"
                        + " then spans, invocations and edge_calls columns (%,d bytes per 2,500 records)",
                nsPerSpan[nsPerSpan.length / 2], nsPerSpan[0], nsPerSpan[nsPerSpan.length - 1], nsPerSpan.length,
                spans, records.size(), bytes, bytes / (double) spans, rowBytes));
    }
}
