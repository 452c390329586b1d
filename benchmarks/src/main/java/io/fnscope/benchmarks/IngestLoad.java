package io.fnscope.benchmarks;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import org.HdrHistogram.Histogram;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator of {@code bin/bench ingest}. Sends pre-serialised OTLP trace requests (100 spans × 20
 * attributes) to a running collector over OTLP/HTTP (JDK HttpClient, HTTP/1.1, one connection per concurrent
 * request) and OTLP/gRPC (grpc-java, several HTTP/2 connections), in two kinds of phase:
 * <ul>
 *   <li>throughput: a closed loop with a fixed number of requests outstanding, as fast as answers come;</li>
 *   <li>latency: an open loop at a fixed request rate; each latency is measured from the moment the request was
 *       due, so a stalled collector shows up in the percentiles (no coordinated omission).</li>
 * </ul>
 * Only 200 / OK answers count as delivered; every other answer is counted and reported. The collector's CPU time
 * comes from /proc/&lt;pid&gt;/stat; the load generator shares the machine's cores with it.
 */
public final class IngestLoad {
    static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    record Result(String phase, long requests, long failures, double seconds, int spansPerRequest, Histogram latency,
                  double serverCores, double loadCores, String failureSample) {
        double spansPerSecond() {
            return requests * (double) spansPerRequest / seconds;
        }
    }

    private final int httpPort;
    private final int grpcPort;
    private final long serverPid;
    private final List<byte[]> payloads;
    private final int spansPerRequest;
    private final HttpClient http;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
            .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
    private final AtomicInteger next = new AtomicInteger();

    IngestLoad(int httpPort, int grpcPort, long serverPid, List<byte[]> payloads, int spansPerRequest, int connections) {
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.serverPid = serverPid;
        this.payloads = payloads;
        this.spansPerRequest = spansPerRequest;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).build();
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + IngestServer.KEY);
        for (int i = 0; i < connections; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext()
                    .maxInboundMessageSize(16 << 20).build());
        }
        this.grpcInterceptor = MetadataUtils.newAttachHeadersInterceptor(md);
    }

    private final io.grpc.ClientInterceptor grpcInterceptor;

    byte[] payload() {
        return payloads.get(Math.floorMod(next.getAndIncrement(), payloads.size()));
    }

    /** One request; completes with null on success, or a short description of the failure. */
    CompletableFuture<String> send(String transport) {
        byte[] body = payload();
        if (transport.equals("http")) {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/traces"))
                    .header("Content-Type", "application/x-protobuf")
                    .header("Authorization", "Bearer " + IngestServer.KEY)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return http.sendAsync(r, HttpResponse.BodyHandlers.discarding())
                    .handle((resp, err) -> err != null ? err.getClass().getSimpleName()
                            : resp.statusCode() == 200 ? null : "HTTP " + resp.statusCode());
        }
        ManagedChannel ch = channels.get(Math.floorMod(next.get(), channels.size()));
        CompletableFuture<String> done = new CompletableFuture<>();
        var call = ClientInterceptors.intercept(ch, grpcInterceptor)
                .newCall(export, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        com.google.common.util.concurrent.Futures.addCallback(ClientCalls.futureUnaryCall(call, body),
                new com.google.common.util.concurrent.FutureCallback<>() {
                    public void onSuccess(byte[] result) {
                        done.complete(null);
                    }

                    public void onFailure(Throwable t) {
                        done.complete("gRPC " + Status.fromThrowable(t).getCode());
                    }
                }, Runnable::run);
        return done;
    }

    /** Closed loop: {@code concurrency} requests outstanding at all times for {@code duration}. */
    Result throughput(String phase, String transport, int concurrency, Duration duration) throws Exception {
        Histogram h = new Histogram(60_000_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ConcurrentHashMap<String, AtomicLong> failures = new ConcurrentHashMap<>();
        long end = System.nanoTime() + duration.toNanos();
        CpuMeter cpu = new CpuMeter(serverPid);
        long start = System.nanoTime();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            CompletableFuture<Void> loop = new CompletableFuture<>();
            loops.add(loop);
            loop(transport, end, h, ok, failed, failures, loop);
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(duration.toSeconds() + 60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(phase, ok.get(), failed.get(), seconds, spansPerRequest, h, cpu.serverCores(), cpu.loadCores(),
                failures.toString());
    }

    private void loop(String transport, long end, Histogram h, AtomicLong ok, AtomicLong failed,
                      ConcurrentHashMap<String, AtomicLong> failures, CompletableFuture<Void> loop) {
        if (System.nanoTime() >= end) {
            loop.complete(null);
            return;
        }
        long t0 = System.nanoTime();
        send(transport).whenComplete((failure, err) -> {
            long took = System.nanoTime() - t0;
            synchronized (h) {
                h.recordValue(Math.min(took, h.getHighestTrackableValue()));
            }
            if (failure == null && err == null) {
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
                failures.computeIfAbsent(failure == null ? err.toString() : failure, k -> new AtomicLong()).incrementAndGet();
            }
            loop(transport, end, h, ok, failed, failures, loop);
        });
    }

    /** Open loop at {@code rate} requests per second; latency counted from each request's due time. */
    Result fixedRate(String phase, String transport, int rate, Duration duration) throws Exception {
        Histogram h = new Histogram(60_000_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ConcurrentHashMap<String, AtomicLong> failures = new ConcurrentHashMap<>();
        long interval = 1_000_000_000L / rate;
        long total = rate * duration.toSeconds();
        AtomicInteger outstanding = new AtomicInteger();
        CpuMeter cpu = new CpuMeter(serverPid);
        long start = System.nanoTime();
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicLong completed = new AtomicLong();
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            outstanding.incrementAndGet();
            send(transport).whenComplete((failure, err) -> {
                long took = System.nanoTime() - due;
                synchronized (h) {
                    h.recordValue(Math.min(took, h.getHighestTrackableValue()));
                }
                if (failure == null && err == null) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    failures.computeIfAbsent(failure == null ? err.toString() : failure, k -> new AtomicLong()).incrementAndGet();
                }
                outstanding.decrementAndGet();
                if (completed.incrementAndGet() == total) {
                    all.complete(null);
                }
            });
        }
        all.get(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(phase, ok.get(), failed.get(), seconds, spansPerRequest, h, cpu.serverCores(), cpu.loadCores(),
                failures.toString());
    }

    /** CPU time of the collector process (from /proc) and of this process, over a phase. */
    static final class CpuMeter {
        private static final double TICKS = 100.0; // USER_HZ on Linux
        private final long pid;
        private final long serverTicks;
        private final long loadNanos;
        private final long wallNanos;

        CpuMeter(long pid) {
            this.pid = pid;
            this.serverTicks = ticks(pid);
            this.loadNanos = ownCpu();
            this.wallNanos = System.nanoTime();
        }

        double serverCores() {
            return (ticks(pid) - serverTicks) / TICKS / ((System.nanoTime() - wallNanos) / 1e9);
        }

        double loadCores() {
            return (ownCpu() - loadNanos) / (double) (System.nanoTime() - wallNanos);
        }

        private static long ownCpu() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        private static long ticks(long pid) {
            if (pid <= 0) {
                return 0;
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            } catch (IOException e) {
                return 0;
            }
        }
    }

    static String row(Result r) {
        Histogram h = r.latency();
        return String.format(Locale.ROOT, "| %-28s | %9.0f | %6d | %5d | %7.1f | %7.1f | %7.1f | %7.1f | %4.2f | %4.2f |",
                r.phase(), r.spansPerSecond(), r.requests(), r.failures(),
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6,
                h.getMaxValue() / 1e6, r.serverCores(), r.loadCores());
    }

    static final String HEADER = "| phase                        |   spans/s |   reqs | fails | p50 ms  | p99 ms  | p99.9 ms| max ms  | coll. cores | load cores |\n"
            + "|------------------------------|-----------|--------|-------|---------|---------|---------|---------|------|------|";

    /**
     * {@code IngestLoad <http-port> <grpc-port> <server-pid> [key=value...]}: duration (s, per phase), warmup (s),
     * concurrency, connections, rate (requests/s of the latency phases), spans, attributes, transports (http,grpc).
     */
    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[0]);
        int grpcPort = Integer.parseInt(args[1]);
        long pid = Long.parseLong(args[2]);
        java.util.Map<String, String> o = new java.util.HashMap<>();
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            o.put(kv[0], kv[1]);
        }
        int duration = Integer.parseInt(o.getOrDefault("duration", "20"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "15"));
        int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "16"));
        int connections = Integer.parseInt(o.getOrDefault("connections", "4"));
        int rate = Integer.parseInt(o.getOrDefault("rate", "200"));
        int spans = Integer.parseInt(o.getOrDefault("spans", "100"));
        int attributes = Integer.parseInt(o.getOrDefault("attributes", "20"));
        List<String> transports = List.of(o.getOrDefault("transports", "http,grpc").split(","));

        List<byte[]> payloads = Payloads.traces(64, spans, attributes, 42);
        System.out.printf(Locale.ROOT, "payload: %d spans x %d attributes, %d bytes per request (protobuf)%n",
                spans, attributes, payloads.get(0).length);
        IngestLoad load = new IngestLoad(httpPort, grpcPort, pid, payloads, spans, connections);
        for (String t : transports) {
            load.throughput("warm-up " + t, t, concurrency, Duration.ofSeconds(warmup));
        }
        List<Result> results = new ArrayList<>();
        for (String t : transports) {
            results.add(load.throughput(t + " max, " + concurrency + " in flight", t, concurrency, Duration.ofSeconds(duration)));
        }
        for (String t : transports) {
            results.add(load.fixedRate(t + " " + rate * spans + " spans/s", t, rate, Duration.ofSeconds(duration)));
        }
        System.out.println(HEADER);
        for (Result r : results) {
            System.out.println(row(r));
            if (r.failures() > 0) {
                System.out.println("  failures: " + r.failureSample());
            }
        }
        load.close();
        System.exit(0);
    }

    void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

}
