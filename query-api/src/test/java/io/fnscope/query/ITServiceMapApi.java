package io.fnscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.fnscope.query.TestObjects.MS;
import static io.fnscope.query.TestObjects.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The service map on {@link ScenarioRows}: edges from the per-minute edge roll-up, function nodes' figures. */
class ITServiceMapApi {
    static QueryApiHarness api;

    @BeforeAll
    static void start() {
        api = new QueryApiHarness();
        new ScenarioRows("acme", T0).write(api.clickHouse);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void nodesAndEdges() {
        QueryApiHarness.Answer a = api.get("/api/v1/service-map?from=" + (T0 / MS) + "&to=" + (T0 / MS + 60_000));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        List<String> edges = new ArrayList<>();
        a.json().path("edges").forEach(e -> edges.add(e.path("source").asText() + " -> " + e.path("target").asText()
                + " " + e.path("calls").asLong() + "/" + e.path("errors").asLong()));
        assertThat(edges).containsExactlyInAnyOrder(
                "function:checkout-api -> queue:aws_sqs:orders 2/0",
                "function:checkout-api -> database:dynamodb 1/0",
                "queue:aws_sqs:orders -> function:order-worker 1/0",
                "function:order-worker -> database:dynamodb 1/0",
                "function:order-worker -> queue:aws_eventbridge:orders-bus 1/0",
                "function:order-worker -> queue:aws_sns:order-events 1/0",
                "queue:aws_sns:order-events -> function:emailer 1/0",
                "queue:aws_eventbridge:orders-bus -> function:notifier 1/1",
                "function:notifier -> external:hooks.example.com 1/1");
        JsonNode sqs = null;
        for (JsonNode e : a.json().path("edges")) {
            if (e.path("target").asText().equals("queue:aws_sqs:orders")) {
                sqs = e;
            }
        }
        assertThat(sqs.path("averageDurationMs").asDouble()).isEqualTo(4.5); // (5 + 4) / 2
        List<String> nodes = new ArrayList<>();
        a.json().path("nodes").forEach(n -> nodes.add(n.path("id").asText() + " " + n.path("type").asText()
                + (n.path("invocations").isNull() ? "" : " " + n.path("invocations").asLong())));
        assertThat(nodes).containsExactlyInAnyOrder("function:checkout-api function 2", "function:order-worker function 1",
                "function:emailer function 1", "function:notifier function 1", "database:dynamodb database",
                "queue:aws_sqs:orders queue", "queue:aws_eventbridge:orders-bus queue",
                "queue:aws_sns:order-events queue", "external:hooks.example.com external");
    }
}
