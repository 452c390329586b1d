package io.fnscope.clickhouse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The edge rules on single spans; {@code ITSpanViews} runs them against ClickHouse's view and roll-up. */
class ServiceEdgesTest {

    private static ServiceEdges.Edge edge(int kind, String function, String... keysAndValues) {
        ServiceEdges.Attributes a = new ServiceEdges.Attributes();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            a.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ServiceEdges.of(kind, "svc", function, a);
    }

    @Test
    void theFirstMatchingRuleWins() {
        assertThat(edge(ServiceEdges.KIND_CLIENT, "f", "db.system", "dynamodb", "faas.invoked_name", "pricer"))
                .isEqualTo(new ServiceEdges.Edge("function", "f", "function", "pricer"));
        assertThat(edge(ServiceEdges.KIND_PRODUCER, "f", "messaging.system", "aws_sqs",
                "messaging.destination.name", "q", "server.address", "sqs.example.com"))
                .isEqualTo(new ServiceEdges.Edge("function", "f", "queue", "aws_sqs:q"));
        assertThat(edge(ServiceEdges.KIND_CLIENT, "", "db.system", "redis", "server.address", "cache.local"))
                .isEqualTo(new ServiceEdges.Edge("service", "svc", "database", "redis:cache.local"));
        assertThat(edge(ServiceEdges.KIND_CONSUMER, "w", "messaging.system", "aws_sqs", "messaging.destination.name", "q"))
                .isEqualTo(new ServiceEdges.Edge("queue", "aws_sqs:q", "function", "w"));
    }

    @Test
    void spansThatCallNothingHaveNoEdge() {
        assertThat(edge(ServiceEdges.KIND_SERVER, "f", "http.route", "/x")).isNull();
        assertThat(edge(1, "f", "db.system", "x", "messaging.destination.name", "q")).isNull(); // internal
        assertThat(edge(ServiceEdges.KIND_PRODUCER, "f", "server.address", "broker.example.com")).isNull();
        assertThat(edge(ServiceEdges.KIND_CLIENT, "f")).isNull();
        assertThat(ServiceEdges.mayHaveEdge(1)).isFalse();
        assertThat(ServiceEdges.mayHaveEdge(ServiceEdges.KIND_SERVER)).isTrue();
    }

    @Test
    void theFirstNonEmptyValueOfAKeyCounts() {
        ServiceEdges.Attributes a = new ServiceEdges.Attributes();
        a.put("server.address", "").put("server.address", "a.example.com").put("server.address", "b.example.com")
                .put("http.route", "/ignored");
        assertThat(ServiceEdges.of(ServiceEdges.KIND_CLIENT, "s", "", a).target()).isEqualTo("a.example.com");
    }

    @Test
    void urlHosts() {
        assertThat(ServiceEdges.urlHost("https://hooks.example.com/a?b=c")).isEqualTo("hooks.example.com");
        assertThat(ServiceEdges.urlHost("http://user:pw@pay.example.net:8443/v1")).isEqualTo("pay.example.net");
        assertThat(ServiceEdges.urlHost("pay2.example.net/v1")).isEqualTo("pay2.example.net");
        assertThat(ServiceEdges.urlHost("//cdn.example.org/lib.js")).isEqualTo("cdn.example.org");
        assertThat(ServiceEdges.urlHost("HTTPS://Upper.Example.COM#frag")).isEqualTo("Upper.Example.COM");
        assertThat(ServiceEdges.urlHost("https://localhost:8080/x")).isEmpty();
        assertThat(ServiceEdges.urlHost("/relative/path")).isEmpty();
        assertThat(ServiceEdges.urlHost("")).isEmpty();
        assertThat(ServiceEdges.urlHost("https://exa mple.com/")).isEmpty();
    }

    @Test
    void everyKeyTheRulesReadHasItsOwnSlotAndNoOtherKeyHasOne() {
        String[] keys = {"faas.invoked_name", "messaging.system", "messaging.destination.name", "db.system",
                "db.namespace", "db.name", "server.address", "net.peer.name", "http.host", "url.full", "http.url",
                "rpc.service"};
        java.util.Set<Integer> slots = new java.util.HashSet<>();
        for (String k : keys) {
            slots.add(ServiceEdges.Attributes.slotOf(k));
        }
        assertThat(slots).hasSize(keys.length).doesNotContain(-1);
        for (String other : new String[] {"", "db.names", "url.ful", "http.route", "server.port", "messaging.message.id",
                "DB.SYSTEM", "faas.invoked_region", "messaging.destination.kind"}) {
            assertThat(ServiceEdges.Attributes.slotOf(other)).as(other).isEqualTo(-1);
        }
    }
}
