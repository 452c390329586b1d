package io.fnscope.collector;

import io.fnscope.pipeline.Signal;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutdown while requests wait for Kafka (a long linger keeps them in the producer's buffer): the collector stops
 * accepting, flushes, and answers every request it accepted; what it answered 200 is in Kafka.
 */
class ITGracefulShutdown {

    @Test
    void shutdownFlushesAndAnswersEverythingInFlight() throws Exception {
        CollectorHarness collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of(
                "fnscope.collector.kafka.linger", "3s",
                "fnscope.collector.kafka.delivery-timeout", "8s"));
        KafkaConsumer<byte[], byte[]> consumer = collector.consumer(Signal.TRACES);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.grpcPort).usePlaintext().build();
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TestObjects.ACME_KEY);
        var stub = TraceServiceGrpc.newFutureStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));

        Set<String> sent = new HashSet<>();
        List<CompletableFuture<HttpResponse<byte[]>>> http = new ArrayList<>();
        List<com.google.common.util.concurrent.ListenableFuture<ExportTraceServiceResponse>> grpc = new ArrayList<>();
        long started = System.nanoTime();
        long bytes = 0;
        for (int i = 0; i < 5; i++) {
            Span a = TestObjects.span("http-" + i).build();
            Span b = TestObjects.span("grpc-" + i).build();
            sent.add(a.getName());
            sent.add(b.getName());
            bytes += TestObjects.traces(a).getSerializedSize() + TestObjects.traces(b).getSerializedSize();
            http.add(collector.http.sendAsync(HttpRequest.newBuilder(collector.uri("/v1/traces"))
                    .header("Content-Type", "application/x-protobuf").header("Authorization", "Bearer " + TestObjects.ACME_KEY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(TestObjects.traces(a).toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
            grpc.add(stub.export(TestObjects.traces(b)));
        }
        InFlightBudget budget = collector.context.getBean(InFlightBudget.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (budget.used() < bytes && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(budget.used()).as("all ten requests wait in the producer's batch").isEqualTo(bytes);

        collector.stopCollector();

        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        for (CompletableFuture<HttpResponse<byte[]>> f : http) {
            assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        for (var f : grpc) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
        }
        assertThat(tookMillis).as("the flush did not wait out the 3 s linger").isLessThan(3000);
        List<ConsumerRecord<byte[], byte[]>> records = CollectorHarness.readExactly(consumer, 10);
        Set<String> stored = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ExportTraceServiceRequest.parseFrom(r.value()).getResourceSpans(0).getScopeSpans(0).getSpansList()
                    .forEach(s -> stored.add(s.getName()));
        }
        assertThat(records).hasSize(10);
        assertThat(stored).isEqualTo(sent);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        collector.close();
    }

    @Test
    void aDrainingCollectorAnswers503WithRetryAfter() throws Exception {
        try (CollectorHarness collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of())) {
            collector.context.getBean(Ingest.class).drain();

            HttpResponse<byte[]> r = collector.post("/v1/traces", "application/x-protobuf", TestObjects.ACME_KEY,
                    TestObjects.traces(TestObjects.span("late").build()).toByteArray());

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
            com.google.rpc.Status status = com.google.rpc.Status.parseFrom(r.body());
            assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.UNAVAILABLE_VALUE);
            assertThat(status.getMessage()).isEqualTo("the collector is shutting down; retry after 2 s");
            assertThat(status.getDetails(0).unpack(com.google.rpc.RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(2);
        }
    }
}
