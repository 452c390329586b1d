package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.query.TestObjects.Half;
import io.fnscope.query.TestObjects.Span;

import java.util.List;

import static io.fnscope.query.TestObjects.MS;
import static io.fnscope.query.TestObjects.span;
import static io.fnscope.query.TestObjects.usd;

/**
 * A business transaction written as rows (times in ms after {@code base}):
 * <pre>
 * T1  checkout-api req-a (cold, init 300)   POST /checkout [0, 120]
 *       DynamoDB.PutItem [10, 40]; orders send (SQS orders, message m-a) [50, 55]
 * T2  checkout-api req-b (warm)             POST /checkout [300, 380]
 *       orders send (m-b) [310, 314]
 * T3  order-worker w-1 (cold, init 412.5)   orders process [900, 1000], links to both sends
 *       DynamoDB.UpdateItem [905, 925]; orders-bus send (EventBridge, message evt-1) [930, 940];
 *       order-events publish (SNS) [950, 956]
 *       emailer e-1 (warm)                  order-events process [980, 1030], child of the SNS publish
 * T4  notifier n-1 (cold, init 150.25)      orders-bus process [1500, 1700], message evt-1, error (propagated)
 *       POST hooks.example.com [1520, 1690], error "HTTP 500"
 * </pre>
 * Costs (exact from reports, except e-1: span estimate only): req-a 0.0000035, req-b 0.0000012, w-1 0.0000093,
 * e-1 0.0000004, n-1 0.0000027; total 0.0000171.
 */
final class ScenarioRows {
    final String tenant;
    final long base;
    final String t1 = TestObjects.traceId();
    final String t2 = TestObjects.traceId();
    final String t3 = TestObjects.traceId();
    final String t4 = TestObjects.traceId();
    Span a;
    Span sendA;
    Span b;
    Span sendB;
    Span worker;
    Span eventBridge;
    Span sns;
    Span emailer;
    Span notifier;
    Span webhook;

    ScenarioRows(String tenant, long base) {
        this.tenant = tenant;
        this.base = base;
    }

    private long at(double ms) {
        return base + Math.round(ms * MS);
    }

    private Span fn(String trace, String function, String invocation) {
        return span(trace).tenant(tenant).service(function + "-svc").function(function).invocation(invocation)
                .resource("cloud.provider", "aws");
    }

    ScenarioRows write(ClickHouse ch) {
        a = fn(t1, "checkout-api", "req-a").name("POST /checkout").kind("server").at(at(0), 120 * MS)
                .attr("http.route", "/checkout").attr("http.request.method", "POST").attr("faas.trigger", "http")
                .attr("faas.coldstart", "true");
        Span dynamoA = span(t1).tenant(tenant).parent(a).service("checkout-api-svc").function("checkout-api")
                .name("DynamoDB.PutItem").kind("client").at(at(10), 30 * MS).attr("db.system", "dynamodb");
        sendA = span(t1).tenant(tenant).parent(a).service("checkout-api-svc").function("checkout-api")
                .name("orders send").kind("producer").at(at(50), 5 * MS).attr("messaging.system", "aws_sqs")
                .attr("messaging.destination.name", "orders").attr("messaging.message.id", "m-a");
        b = fn(t2, "checkout-api", "req-b").name("POST /checkout").kind("server").at(at(300), 80 * MS)
                .attr("http.route", "/checkout").attr("http.request.method", "POST").attr("faas.trigger", "http")
                .attr("faas.coldstart", "false");
        sendB = span(t2).tenant(tenant).parent(b).service("checkout-api-svc").function("checkout-api")
                .name("orders send").kind("producer").at(at(310), 4 * MS).attr("messaging.system", "aws_sqs")
                .attr("messaging.destination.name", "orders").attr("messaging.message.id", "m-b");
        worker = fn(t3, "order-worker", "w-1").name("orders process").kind("consumer").at(at(900), 100 * MS)
                .attr("faas.trigger", "pubsub").attr("messaging.system", "aws_sqs")
                .attr("messaging.destination.name", "orders").attr("messaging.batch.message_count", "2")
                .attr("faas.coldstart", "true").link(sendA).link(sendB);
        Span dynamoW = span(t3).tenant(tenant).parent(worker).service("order-worker-svc").function("order-worker")
                .name("DynamoDB.UpdateItem").kind("client").at(at(905), 20 * MS).attr("db.system", "dynamodb");
        eventBridge = span(t3).tenant(tenant).parent(worker).service("order-worker-svc").function("order-worker")
                .name("orders-bus send").kind("producer").at(at(930), 10 * MS)
                .attr("messaging.system", "aws_eventbridge").attr("messaging.destination.name", "orders-bus")
                .attr("messaging.message.id", "evt-1");
        sns = span(t3).tenant(tenant).parent(worker).service("order-worker-svc").function("order-worker")
                .name("order-events publish").kind("producer").at(at(950), 6 * MS)
                .attr("messaging.system", "aws_sns").attr("messaging.destination.name", "order-events");
        emailer = fn(t3, "emailer", "e-1").parent(sns).name("order-events process").kind("consumer")
                .at(at(980), 50 * MS).attr("faas.trigger", "pubsub").attr("messaging.system", "aws_sns")
                .attr("messaging.destination.name", "order-events");
        notifier = fn(t4, "notifier", "n-1").name("orders-bus process").kind("consumer").at(at(1500), 200 * MS)
                .attr("faas.trigger", "pubsub").attr("messaging.system", "aws_eventbridge")
                .attr("messaging.destination.name", "orders-bus").attr("messaging.message.id", "evt-1")
                .attr("faas.coldstart", "true").error("webhook failed");
        webhook = span(t4).tenant(tenant).parent(notifier).service("notifier-svc").function("notifier")
                .name("POST hooks.example.com").kind("client").at(at(1520), 170 * MS)
                .attr("server.address", "hooks.example.com").error("HTTP 500");
        TestObjects.insertSpans(ch, List.of(a, dynamoA, sendA, b, sendB, worker, dynamoW, eventBridge, sns, emailer,
                notifier, webhook));
        TestObjects.insertInvocations(ch, List.of(
                Half.ofSpan(a, usd("0.000003")), report("checkout-api", "req-a", a, 512, 120, 300.0, 90, "ok", "0.0000035"),
                Half.ofSpan(b, usd("0.000001")), report("checkout-api", "req-b", b, 512, 80, null, 91, "ok", "0.0000012"),
                Half.ofSpan(worker, usd("0.000009")), report("order-worker", "w-1", worker, 1024, 100, 412.5, 300, "ok", "0.0000093"),
                Half.ofSpan(emailer, usd("0.0000004")),
                Half.ofSpan(notifier, usd("0.000002")), report("notifier", "n-1", notifier, 256, 200, 150.25, 70, "error", "0.0000027")));
        return this;
    }

    private Half report(String function, String id, Span s, int memory, long billed, Double init, long used,
                        String status, String exact) {
        return Half.ofReport(tenant, function, id, s.startNs, memory, s.durationNs / 1e6, billed, init, used, status,
                usd(exact));
    }
}
