package io.fnscope.clickhouse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the views on {@code spans} derive, row by row: the service-map edges of {@code edges_minute} (0114) for every
 * kind of edge and the precedence between them, and the {@code messages} rows (0107, as 0126 computes them). Pins
 * the semantics a rewrite of either view has to keep.
 */
class ITSpanViews {
    private static ClickHouse ch;

    @BeforeAll
    static void insertSpans() {
        ch = SharedClickHouse.newDatabase("views");
        new Migrations(ch, List.of(TelemetrySchema.migrations(RetentionSettings.defaults(), 1000))).apply();
        // kind, service, function, status, duration ms, attributes
        String[][] spans = {
                {"client", "api", "checkout", "ok", "10", "{'faas.invoked_name': 'pricer', 'db.system': 'dynamodb'}"},
                {"producer", "api", "checkout", "ok", "20", "{'messaging.system': 'aws_sqs', 'messaging.destination.name': 'orders'}"},
                {"client", "api", "checkout", "error", "30", "{'db.system': 'dynamodb', 'db.namespace': 'orders-table', 'server.address': 'dynamodb.aws'}"},
                {"client", "api", "checkout", "ok", "40", "{'db.system': 'postgresql', 'db.name': 'shop'}"},
                {"client", "api", "checkout", "ok", "50", "{'db.system': 'redis', 'server.address': 'cache.local'}"},
                {"client", "api", "checkout", "ok", "60", "{'db.system': 'sqlite'}"},
                {"client", "api", "checkout", "ok", "70", "{'url.full': 'https://hooks.example.com/a?b=c'}"},
                {"client", "api", "checkout", "ok", "80", "{'http.url': 'https://old.example.com/x'}"},
                {"client", "api", "checkout", "ok", "90", "{'net.peer.name': 'peer.example.com', 'http.host': 'host.example.com'}"},
                {"client", "api", "checkout", "ok", "100", "{'rpc.service': 'Inventory'}"},
                {"client", "web", "", "ok", "110", "{'server.address': 'api.example.com'}"},
                {"consumer", "worker", "order-worker", "ok", "120", "{'messaging.system': 'aws_sqs', 'messaging.destination.name': 'orders', 'messaging.message.id': 'm-1', 'messaging.operation.type': 'process'}"},
                {"server", "worker", "order-worker", "ok", "130", "{'http.route': '/x'}"},
                {"internal", "worker", "order-worker", "ok", "140", "{'messaging.destination.name': 'orders', 'db.system': 'x'}"},
                {"producer", "worker", "order-worker", "ok", "150", "{'messaging.system': 'aws_sns', 'messaging.destination.name': 'events', 'messaging.message.id': 'm-2', 'messaging.operation': 'publish'}"},
        };
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < spans.length; i++) {
            String[] s = spans[i];
            values.append(i == 0 ? "" : ", ").append(String.format(
                    "('t1', toFixedString(unhex('%032x'), 16), toFixedString(unhex('%016x'), 8), '%s', '%s', "
                            + "toDateTime64('2026-12-01 10:00:30', 9, 'UTC'), %s000000, '%s', '%s', '%s', %s)",
                    i + 1, i + 1, "op" + i, s[0], s[4], s[3], s[1], s[2], s[5]));
        }
        ch.execute("INSERT INTO " + ch.database() + ".spans (tenant, trace_id, span_id, name, kind, start_time,"
                + " duration_ns, status_code, service, function, attributes) VALUES " + values);
    }

    @AfterAll
    static void close() {
        ch.close();
    }

    @Test
    void everyKindOfServiceMapEdgeInItsOrderOfPrecedence() {
        List<String> edges = ch.query("SELECT source_type, source, target_type, target, sum(calls) AS calls,"
                        + " sum(errors) AS errors, sum(duration_ms_sum) AS ms"
                        + " FROM " + ch.database() + ".edges_minute WHERE tenant = 't1'"
                        + " GROUP BY source_type, source, target_type, target ORDER BY ms",
                r -> r.getString("source_type") + ":" + r.getString("source") + " -> " + r.getString("target_type")
                        + ":" + r.getString("target") + " " + r.getLong("calls") + "/" + r.getLong("errors") + " "
                        + Math.round(r.getDouble("ms")));
        assertThat(edges).containsExactly(
                "function:checkout -> function:pricer 1/0 10", // an invoked function before its database
                "function:checkout -> queue:aws_sqs:orders 1/0 20",
                "function:checkout -> database:dynamodb:orders-table 1/1 30", // db.namespace first
                "function:checkout -> database:postgresql:shop 1/0 40", // then db.name
                "function:checkout -> database:redis:cache.local 1/0 50", // then server.address
                "function:checkout -> database:sqlite 1/0 60",
                "function:checkout -> external:hooks.example.com 1/0 70", // the domain of url.full
                "function:checkout -> external:old.example.com 1/0 80", // of http.url
                "function:checkout -> external:peer.example.com 1/0 90", // net.peer.name before http.host
                "function:checkout -> external:Inventory 1/0 100",
                "service:web -> external:api.example.com 1/0 110", // no function: the service
                "queue:aws_sqs:orders -> function:order-worker 1/0 120",
                "function:order-worker -> queue:aws_sns:events 1/0 150");
        // The server span without messaging attributes and the internal span make no edge.
    }

    @Test
    void messagesHoldTheSpansWithAMessageId() {
        List<String> messages = ch.query("SELECT message_id, system, destination, operation, kind FROM "
                        + ch.database() + ".messages WHERE tenant = 't1' ORDER BY message_id",
                r -> String.join(" ", r.getString("message_id"), r.getString("system"), r.getString("destination"),
                        r.getString("operation"), r.getString("kind")));
        assertThat(messages).containsExactly(
                "m-1 aws_sqs orders process consumer",
                "m-2 aws_sns events publish producer"); // messaging.operation when there is no operation.type
    }
}
