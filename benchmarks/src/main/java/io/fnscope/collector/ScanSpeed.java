package io.fnscope.collector;

import io.fnscope.pipeline.Signal;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

import java.util.List;
import java.util.Locale;

/**
 * {@code bin/bench scan}: how fast one core checks OTLP trace requests, the collector's own work per request, set
 * against what a full protobuf parse (what a receiver that builds message objects does) costs on the same bytes.
 * In package io.fnscope.collector to reach the package-private scanner.
 */
public final class ScanSpeed {
    private ScanSpeed() {
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> payloads = io.fnscope.benchmarks.PayloadsAccess.traces(64, 100, 20, 42);
        OtlpScanner scanner = new OtlpScanner(CollectorSettings.defaults(), java.time.Clock.systemUTC());
        long bytes = payloads.stream().mapToLong(b -> b.length).sum() / payloads.size();
        for (int round = 0; round < 5; round++) {
            int n = 20_000;
            long t = System.nanoTime();
            long items = 0;
            for (int i = 0; i < n; i++) {
                items += scanner.scan(Signal.TRACES, payloads.get(i & 63)).items;
            }
            double scan = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            long parsed = 0;
            for (int i = 0; i < n / 4; i++) {
                parsed += ExportTraceServiceRequest.parseFrom(payloads.get(i & 63)).getResourceSpans(0).getScopeSpans(0).getSpansCount();
            }
            double parse = (System.nanoTime() - t) / 1e9 * 4;
            System.out.printf(Locale.ROOT, "round %d: scan %.0f MB/s = %.0f spans/s per core (%.1f µs per %d-byte request);"
                            + " protobuf parseFrom %.0f MB/s = %.0f spans/s per core [%d %d]%n",
                    round, n * bytes / scan / 1e6, items / scan, scan / n * 1e6, bytes,
                    n * bytes / parse / 1e6, parsed * 4 / parse, items, parsed);
        }
    }
}
