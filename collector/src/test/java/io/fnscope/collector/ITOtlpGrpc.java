package io.fnscope.collector;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.fnscope.pipeline.Signal;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** OTLP/gRPC answers: status codes, messages and RetryInfo, as exporters read them. */
class ITOtlpGrpc {
    static CollectorHarness collector;
    static ManagedChannel channel;

    @BeforeAll
    static void start() {
        collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of(
                "fnscope.collector.max-items-per-request", 6,
                "fnscope.collector.max-request-bytes", 65536,
                "fnscope.collector.rate-limit.tenants.globex", 5,
                "fnscope.collector.rate-limit.burst-seconds", 1));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.grpcPort).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        collector.close();
    }

    static TraceServiceGrpc.TraceServiceBlockingStub stub(String key) {
        Metadata md = new Metadata();
        if (key != null) {
            md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        }
        return TraceServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    void partialSuccessOverGrpc() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        Span good = TestObjects.span("good").build();
        Span bad = TestObjects.span("bad").setSpanId(ByteString.copyFrom(new byte[]{1, 2})).build();

        ExportTraceServiceResponse r = stub(TestObjects.ACME_KEY).export(TestObjects.traces(good, bad));

        assertThat(r.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(r.getPartialSuccess().getErrorMessage()).isEqualTo("rejected 1 of 2 spans: span_id is not 8 bytes or is all zero (1)");
        assertThat(ExportTraceServiceRequest.parseFrom(CollectorHarness.readExactly(consumer, 1).get(0).value()))
                .isEqualTo(TestObjects.traces(good));
    }

    @Test
    void missingAndUnknownKeysAreUnauthenticated() {
        StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub(null).export(TestObjects.traces(TestObjects.span("x").build())));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(missing.getStatus().getDescription()).isEqualTo("missing credentials: send the metadata 'authorization: Bearer <key>'");
        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub("fns_unknown").export(TestObjects.traces(TestObjects.span("x").build())));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(unknown.getStatus().getDescription()).isEqualTo("unknown or revoked key");
        StatusRuntimeException viewer = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub(TestObjects.VIEWER_KEY).export(TestObjects.traces(TestObjects.span("x").build())));
        assertThat(viewer.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void undecodableAndWhollyInvalidRequestsAreInvalidArgument() {
        MethodDescriptor<byte[], ExportTraceServiceResponse> raw = TraceServiceGrpc.getExportMethod()
                .toBuilder(OtlpGrpcServer.RAW, ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance())).build();
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TestObjects.ACME_KEY);
        StatusRuntimeException garbage = catchThrowableOfType(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md)),
                raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[]{(byte) 0x0A, (byte) 0xFF}));
        assertThat(garbage.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(garbage.getStatus().getDescription())
                .isEqualTo("the body is not a valid protobuf ExportTraceServiceRequest: the message is truncated");

        StatusRuntimeException allBad = catchThrowableOfType(StatusRuntimeException.class, () -> stub(TestObjects.ACME_KEY)
                .export(TestObjects.traces(TestObjects.span("bad").setTraceId(ByteString.EMPTY).build())));
        assertThat(allBad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(allBad.getStatus().getDescription()).isEqualTo("rejected all 1 span: trace_id is not 16 bytes or is all zero (1)");
    }

    @Test
    void tooLargeIsResourceExhaustedWithoutRetryInfo() {
        Span[] spans = new Span[7];
        for (int i = 0; i < spans.length; i++) {
            spans[i] = TestObjects.span("s" + i).build();
        }
        StatusRuntimeException many = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub(TestObjects.ACME_KEY).export(TestObjects.traces(spans)));
        assertThat(many.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(many.getStatus().getDescription()).isEqualTo("the request holds 7 spans, more than the 6 allowed"
                + " (fnscope.collector.max-items-per-request); export smaller batches");
        assertThat(StatusProto.fromThrowable(many).getDetailsList()).isEmpty(); // no RetryInfo: exporters do not retry

        ExportTraceServiceRequest large = TestObjects.traces(TestObjects.span("big")
                .addAttributes(TestObjects.attr("x", "x".repeat(70_000))).build());
        StatusRuntimeException big = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub(TestObjects.ACME_KEY).export(large));
        assertThat(big.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(big.getStatus().getDescription()).isEqualTo("gRPC message exceeds maximum size 65536: " + large.getSerializedSize());
    }

    @Test
    void rateLimitIsResourceExhaustedWithRetryInfo() {
        ExportTraceServiceRequest five = TestObjects.traces(TestObjects.span("1").build(), TestObjects.span("2").build(),
                TestObjects.span("3").build(), TestObjects.span("4").build(), TestObjects.span("5").build());
        stub(TestObjects.GLOBEX_KEY).export(five);
        StatusRuntimeException limited = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub(TestObjects.GLOBEX_KEY).export(five));
        assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(limited.getStatus().getDescription()).isEqualTo("tenant 'globex' is over its rate limit of 5 items/s"
                + " (fnscope.collector.rate-limit); retry after 1 s");
        com.google.rpc.Status details = StatusProto.fromThrowable(limited);
        assertThat(details).isNotNull();
        assertThat(details.getDetailsList()).anySatisfy(any -> {
            try {
                assertThat(any.unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(1);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
