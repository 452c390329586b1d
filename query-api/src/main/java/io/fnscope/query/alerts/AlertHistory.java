package io.fnscope.query.alerts;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.Column;
import io.fnscope.clickhouse.InsertOptions;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Alert events and delivery attempts in ClickHouse ({@code alert_events}, {@code alert_deliveries}): the state the
 * evaluator resumes from (each alert's latest event) and the history the API shows.
 */
final class AlertHistory {
    private static final List<Column> EVENT_COLUMNS = List.of(Column.of("tenant", "LowCardinality(String)"),
            Column.of("alert_key", "String"), Column.of("event_id", "String"), Column.of("owner", "String"),
            Column.of("source_type", "Enum8('budget' = 1, 'rule' = 2)"), Column.of("source_id", "String"),
            Column.of("state", "Enum8('firing' = 1, 'resolved' = 2)"), Column.of("sequence", "UInt32"),
            Column.of("at", "DateTime64(3)"), Column.of("severity", "LowCardinality(String)"),
            Column.of("title", "String"), Column.of("summary", "String"), Column.of("value", "Float64"),
            Column.of("threshold", "Float64"));
    private static final List<Column> DELIVERY_COLUMNS = List.of(Column.of("tenant", "LowCardinality(String)"),
            Column.of("event_id", "String"), Column.of("delivery_id", "String"), Column.of("channel_id", "String"),
            Column.of("channel_kind", "LowCardinality(String)"), Column.of("attempt", "UInt16"),
            Column.of("started", "DateTime64(3)"), Column.of("duration_ms", "UInt32"),
            Column.of("http_status", "UInt16"), Column.of("outcome", "LowCardinality(String)"),
            Column.of("error", "String"));

    private final ClickHouse clickHouse;
    private final String node;

    AlertHistory(ClickHouse clickHouse, String node) {
        this.clickHouse = clickHouse;
        this.node = node;
    }

    /** Where an alert stands: its latest state, how many transitions it had, when it last fired. */
    record Status(String state, int sequence, Instant lastFired) {
        static final Status NEW = new Status("resolved", 0, null);

        boolean firing() {
            return state.equals("firing");
        }
    }

    /**
     * Records {@code e} unless some evaluator already has: the insert's deduplication token is the event id, so of
     * two evaluators recording the same transition the engine keeps the first row, and reading the row back tells
     * each whether it was theirs. True when this call recorded it (and so must notify).
     */
    boolean recordOnce(String tenant, AlertEvent e) {
        if (!recorded(List.of(e.eventId())).isEmpty()) {
            return false;
        }
        String me = node + "/" + UUID.randomUUID();
        clickHouse.insert(clickHouse.database() + ".alert_events", EVENT_COLUMNS, out -> out.string(tenant)
                .string(e.alertKey()).string(e.eventId()).string(me).enum8(e.sourceType().equals("budget") ? 1 : 2)
                .string(e.sourceId()).enum8(e.state().equals("firing") ? 1 : 2).uint32(e.sequence())
                .dateTime64(e.at(), 3).string(e.severity()).string(e.title()).string(e.summary())
                .float64(e.value()).float64(e.threshold()), InsertOptions.deduplicatedBy("event:" + e.eventId()));
        List<String> owners = clickHouse.query("SELECT owner FROM " + clickHouse.database() + ".alert_events"
                        + " WHERE event_id = {id:String} ORDER BY at, owner LIMIT 1", Map.of("id", e.eventId()),
                r -> r.getString("owner"));
        return !owners.isEmpty() && owners.getFirst().equals(me);
    }

    /** Which of these event ids are recorded (by anyone): one lookup for a round's candidates. */
    Set<String> recorded(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(clickHouse.query("SELECT DISTINCT event_id FROM " + clickHouse.database()
                        + ".alert_events WHERE event_id IN {ids:Array(String)}", Map.of("ids", List.copyOf(eventIds)),
                r -> r.getString("event_id")));
    }

    void attempt(String tenant, String eventId, AlertEvent.DeliveryRecord d) {
        clickHouse.insert(clickHouse.database() + ".alert_deliveries", DELIVERY_COLUMNS, out -> out.string(tenant)
                .string(eventId).string(d.deliveryId()).string(d.channelId()).string(d.channelKind())
                .uint16(d.attempt()).dateTime64(d.started(), 3).uint32(Math.max(0, d.durationMs()))
                .uint16(d.httpStatus()).string(d.outcome()).string(d.error() == null ? "" : d.error()),
                InsertOptions.NONE);
    }

    /** Each rule alert's status (keys {@code rule:*}), all tenants: what a round of evaluation starts from. */
    Map<String, Status> ruleStatuses() {
        Map<String, Status> out = new HashMap<>();
        clickHouse.query("SELECT tenant, alert_key, argMax(state, (at, sequence)) AS last_state,"
                + " max(sequence) AS seq, maxIf(at, state = 'firing') AS last_fired, countIf(state = 'firing') AS fired"
                + " FROM " + clickHouse.database() + ".alert_events WHERE source_type = 'rule'"
                + " GROUP BY tenant, alert_key", Map.of(), r -> out.put(r.getString("tenant") + "\n"
                + r.getString("alert_key"), new Status(r.getString("last_state"), r.getInt("seq"),
                r.getLong("fired") == 0 ? null : r.getInstant("last_fired"))));
        return out;
    }

    /** The latest event of each of the tenant's rule alerts that is firing now. */
    List<AlertEvent> firing(String tenant) {
        return withDeliveries(tenant, clickHouse.query("SELECT * FROM (SELECT " + EVENT_FIELDS + " FROM "
                + clickHouse.database() + ".alert_events WHERE tenant = {tenant:String} AND source_type = 'rule'"
                + " ORDER BY at DESC, sequence DESC LIMIT 1 BY alert_key) WHERE state = 'firing' ORDER BY at DESC",
                Map.of("tenant", tenant), AlertHistory::event));
    }

    /** The tenant's events in [from, to), newest first, each with its delivery attempts. */
    List<AlertEvent> events(String tenant, Instant from, Instant to, int limit) {
        return withDeliveries(tenant, clickHouse.query("SELECT " + EVENT_FIELDS + " FROM " + clickHouse.database()
                + ".alert_events WHERE tenant = {tenant:String} AND at >= {from:DateTime64(3)}"
                + " AND at < {to:DateTime64(3)} ORDER BY at DESC, event_id LIMIT {limit:UInt32}",
                Map.of("tenant", tenant, "from", from, "to", to, "limit", limit), AlertHistory::event));
    }

    private static final String EVENT_FIELDS = "event_id, alert_key, source_type, source_id, state, sequence, at,"
            + " severity, title, summary, value, threshold";

    private static AlertEvent event(io.fnscope.clickhouse.Row r) {
        return new AlertEvent(r.getString("event_id"), r.getString("alert_key"), r.getString("source_type"),
                r.getString("source_id"), r.getString("state"), r.getInt("sequence"), r.getInstant("at"),
                r.getString("severity"), r.getString("title"), r.getString("summary"), r.getDouble("value"),
                r.getDouble("threshold"), null);
    }

    private List<AlertEvent> withDeliveries(String tenant, List<AlertEvent> events) {
        if (events.isEmpty()) {
            return events;
        }
        Map<String, List<AlertEvent.DeliveryRecord>> byEvent = clickHouse.query("SELECT event_id, delivery_id,"
                        + " channel_id, channel_kind, attempt, started, duration_ms, http_status, outcome, error FROM "
                        + clickHouse.database() + ".alert_deliveries WHERE tenant = {tenant:String}"
                        + " AND event_id IN {ids:Array(String)} ORDER BY started, attempt",
                Map.of("tenant", tenant, "ids", events.stream().map(AlertEvent::eventId).toList()),
                r -> Map.entry(r.getString("event_id"), new AlertEvent.DeliveryRecord(r.getString("delivery_id"),
                        r.getString("channel_id"), r.getString("channel_kind"), r.getInt("attempt"),
                        r.getInstant("started"), r.getLong("duration_ms"), r.getInt("http_status"),
                        r.getString("outcome"), r.getString("error"))))
                .stream().collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        return events.stream().map(e -> e.withDeliveries(byEvent.getOrDefault(e.eventId(), List.of()))).toList();
    }
}
