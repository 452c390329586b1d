package io.fnscope.benchmarks;

import io.fnscope.tenancy.KeyHash;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The system under test of {@code bin/bench ingest}: the collector with an embedded Kafka broker in one JVM, as in
 * the all-in-one (writer and query API off), on free ports, with one ingest key. Prints
 * {@code READY <http-port> <grpc-port>} when it takes requests; stops when stdin closes. Any
 * {@code -Dfnscope.collector.*} system property overrides the collector's configuration (that is how the Kafka
 * batching and compression were compared).
 */
public final class IngestServer {
    static final String KEY = "fns_benchmarkIngestKey00000000000000";

    private IngestServer() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("fnscope-bench");
        int http = freePort();
        int grpc = freePort();
        Map<String, Object> p = new HashMap<>();
        p.put("fnscope.data-dir", data.toString());
        p.put("fnscope.listen-host", "127.0.0.1");
        p.put("micronaut.server.port", http);
        p.put("fnscope.collector.http-port", http);
        p.put("fnscope.collector.grpc-port", grpc);
        p.put("fnscope.query.enabled", false);
        p.put("fnscope.query.http-port", freePort());
        p.put("fnscope.writer.enabled", false);
        p.put("fnscope.kafka.embedded.enabled", true);
        p.put("fnscope.kafka.embedded.port", freePort());
        p.put("fnscope.kafka.embedded.controller-port", freePort());
        p.put("fnscope.auth.keys[0].tenant", "bench");
        p.put("fnscope.auth.keys[0].role", "ingest");
        p.put("fnscope.auth.keys[0].sha256", KeyHash.sha256Hex(KEY));
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p);
        System.out.println("READY " + http + " " + grpc);
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for stdin to close
        }
        System.out.println(producerFigures() + String.format(java.util.Locale.ROOT, " kafka-log-bytes=%d", size(data.resolve("kafka"))));
        server.close();
        deleteRecursively(data);
    }

    /** The collector producer's own averages (Kafka client JMX metrics) over the whole run. */
    static String producerFigures() throws Exception {
        var mbs = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        var name = new javax.management.ObjectName("kafka.producer:type=producer-metrics,client-id=fnscope-collector");
        StringBuilder sb = new StringBuilder("producer:");
        for (String a : new String[]{"compression-rate-avg", "batch-size-avg", "record-size-avg", "records-per-request-avg",
                "request-latency-avg", "record-send-total", "outgoing-byte-total"}) {
            Object v = mbs.getAttribute(name, a);
            sb.append(' ').append(a).append('=').append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.3f", d) : v);
        }
        return sb.toString();
    }

    private static long size(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).filter(f -> f.toString().contains("fnscope.traces") && f.toString().endsWith(".log"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
