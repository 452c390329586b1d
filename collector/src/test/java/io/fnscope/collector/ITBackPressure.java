package io.fnscope.collector;

import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-flight budget: while Kafka has not acknowledged enough bytes, new requests get 503, not a queue. */
class ITBackPressure {

    @Test
    void requestsBeyondTheInFlightBudgetGet503() throws Exception {
        try (CollectorHarness collector = new CollectorHarness(TestKafka.shared().bootstrapServers(), Map.of(
                "fnscope.collector.max-in-flight-bytes", 1048576,
                "fnscope.collector.kafka.linger", "2s"))) {
            Span.Builder big = TestObjects.span("big");
            for (int i = 0; i < 35; i++) {
                big.addAttributes(TestObjects.attr("a" + i, "x".repeat(16_000)));
            }
            // 1.1 MB in two records: more than the whole budget, which one request alone may use.
            byte[] held = TestObjects.traces(big.build(), big.setSpanId(TestObjects.spanId()).build()).toByteArray();
            CompletableFuture<HttpResponse<byte[]>> first = collector.http.sendAsync(HttpRequest.newBuilder(collector.uri("/v1/traces"))
                            .header("Content-Type", "application/x-protobuf").header("Authorization", "Bearer " + TestObjects.ACME_KEY)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(held)).build(), HttpResponse.BodyHandlers.ofByteArray());
            InFlightBudget budget = collector.context.getBean(InFlightBudget.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (budget.used() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(budget.used()).isEqualTo(held.length);

            HttpResponse<byte[]> second = collector.post("/v1/traces", "application/x-protobuf", TestObjects.ACME_KEY,
                    TestObjects.traces(TestObjects.span("small").build()).toByteArray());

            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(second.headers().firstValue("Retry-After")).hasValue("2");
            Status status = Status.parseFrom(second.body());
            assertThat(status.getMessage()).isEqualTo("the collector has 1048576 bytes waiting for Kafka"
                    + " (fnscope.collector.max-in-flight-bytes); retry after 2 s");
            assertThat(status.getDetails(0).unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(2);
            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(budget.used()).isZero();
            assertThat(collector.metric("fnscope_collector_requests_total", "transport", "http", "outcome", "unavailable")).isEqualTo(1);
        }
    }
}
