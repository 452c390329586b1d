package io.fnscope.collector;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.fnscope.collector.CollectorMetrics.Transport;
import io.fnscope.pipeline.Signal;
import io.fnscope.tenancy.Credentials;
import io.fnscope.tenancy.Role;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC: the TraceService, MetricsService and LogsService {@code Export} methods on a plain grpc-netty server.
 *
 * <p>The services take the request as raw bytes (a pass-through marshaller) rather than letting gRPC parse it, so
 * {@link Ingest} checks the same bytes as over HTTP and forwards them unchanged when they are valid. Handlers run on
 * the Netty event loop ({@code directExecutor}): they only decode and hand off, and answer from the Kafka
 * callback. gRPC itself enforces {@code max-request-bytes} on the decompressed message (RESOURCE_EXHAUSTED) and
 * decompresses gzip.
 *
 * <p>Answers: OK with partial success; INVALID_ARGUMENT for undecodable or wholly invalid requests; UNAUTHENTICATED
 * (missing or unknown key), PERMISSION_DENIED (not an ingest key); RESOURCE_EXHAUSTED without RetryInfo for too many
 * items, with RetryInfo for the rate limit; UNAVAILABLE with RetryInfo when Kafka cannot take the data.
 */
final class OtlpGrpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcServer.class);
    static final Context.Key<String> TENANT = Context.key("fnscope-tenant");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** Hands the request message over as the bytes that arrived. */
    static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final Ingest ingest;
    private final CollectorMetrics metrics;
    private final Credentials credentials;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Server server;

    OtlpGrpcServer(String host, int port, int maxRequestBytes, Ingest ingest, CollectorMetrics metrics, Credentials credentials) {
        this.ingest = ingest;
        this.metrics = metrics;
        this.credentials = credentials;
        ServerInterceptor auth = new Auth();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .directExecutor()
                .maxInboundMessageSize(maxRequestBytes)
                .addService(ServerInterceptors.intercept(service(TraceServiceGrpc.getExportMethod(), Signal.TRACES,
                        ExportTraceServiceResponse.getDefaultInstance()), auth))
                .addService(ServerInterceptors.intercept(service(MetricsServiceGrpc.getExportMethod(), Signal.METRICS,
                        ExportMetricsServiceResponse.getDefaultInstance()), auth))
                .addService(ServerInterceptors.intercept(service(LogsServiceGrpc.getExportMethod(), Signal.LOGS,
                        ExportLogsServiceResponse.getDefaultInstance()), auth))
                .addService(health.getHealthService())
                .build();
    }

    OtlpGrpcServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen for OTLP/gRPC on port " + server.getListenSockets()
                    + ": " + e.getMessage() + ". Free the port or set fnscope.collector.grpc-port.", e);
        }
        LOG.info("OTLP/gRPC listening on {}", server.getListenSockets());
        return this;
    }

    int port() {
        return server.getPort();
    }

    /** Stops accepting calls (new calls fail UNAVAILABLE); calls already running finish. */
    void shutdown() {
        health.enterTerminalState();
        server.shutdown();
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private <Q, R extends Message> ServerServiceDefinition service(MethodDescriptor<Q, R> generated, Signal signal, R defaultResponse) {
        MethodDescriptor<byte[], Message> method = generated.toBuilder(RAW, ProtoUtils.<Message>marshaller(defaultResponse)).build();
        return ServerServiceDefinition.builder(generated.getServiceName())
                .addMethod(method, ServerCalls.asyncUnaryCall((byte[] body, StreamObserver<Message> response) ->
                        export(signal, body, response)))
                .build();
    }

    private void export(Signal signal, byte[] body, StreamObserver<Message> response) {
        long started = System.nanoTime();
        String tenant = TENANT.get();
        ingest.otlp(tenant, signal, body, false, Transport.GRPC).whenComplete((outcome, error) -> {
            if (error != null) {
                LOG.error("OTLP/gRPC export failed", error);
                metrics.request(Transport.GRPC, signal, "error", System.nanoTime() - started);
                response.onError(Status.INTERNAL.withDescription("internal error in the collector (logged); retry later")
                        .asRuntimeException());
                return;
            }
            metrics.request(Transport.GRPC, signal, outcome.tag(), System.nanoTime() - started);
            switch (outcome) {
                case Outcome.Accepted a -> {
                    response.onNext(HttpAnswers.exportResponse(signal, a));
                    response.onCompleted();
                }
                case Outcome.Invalid i -> response.onError(Status.INVALID_ARGUMENT.withDescription(i.message()).asRuntimeException());
                case Outcome.TooLarge t -> response.onError(Status.RESOURCE_EXHAUSTED.withDescription(t.message()).asRuntimeException());
                case Outcome.RateLimited r -> response.onError(retryable(Code.RESOURCE_EXHAUSTED, r.message(), r.retryAfter()));
                case Outcome.Unavailable u -> response.onError(retryable(Code.UNAVAILABLE, u.message(), u.retryAfter()));
            }
        });
    }

    /** A status with a google.rpc.RetryInfo detail, which OTLP exporters read as "retry after this delay". */
    private static RuntimeException retryable(Code code, String message, Duration retryAfter) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(code.getNumber()).setMessage(message)
                .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(retryAfter.toSeconds()).setNanos(retryAfter.toNanosPart())).build()))
                .build());
    }

    /** Reads the {@code authorization} metadata; the tenant travels to the handler in the gRPC Context. */
    private final class Auth implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            Credentials.Result result = credentials.authenticate(headers.get(AUTHORIZATION), Role.INGEST);
            if (!result.ok()) {
                boolean forbidden = result.failure() == Credentials.Failure.FORBIDDEN;
                Status status = forbidden
                        ? Status.PERMISSION_DENIED.withDescription("this key is not an ingest key; send telemetry with a key of role ingest")
                        : Status.UNAUTHENTICATED.withDescription(result.failure() == Credentials.Failure.MISSING
                        ? "missing credentials: send the metadata 'authorization: Bearer <key>'" : result.message());
                metrics.request(Transport.GRPC, signalOf(call.getMethodDescriptor().getServiceName()),
                        forbidden ? "forbidden" : "unauthenticated", 0);
                call.close(status, new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            Context ctx = Context.current().withValue(TENANT, result.principal().tenant());
            return Contexts.interceptCall(ctx, call, headers, next);
        }
    }

    private static Signal signalOf(String service) {
        if (MetricsServiceGrpc.SERVICE_NAME.equals(service)) {
            return Signal.METRICS;
        }
        return LogsServiceGrpc.SERVICE_NAME.equals(service) ? Signal.LOGS : Signal.TRACES;
    }
}
