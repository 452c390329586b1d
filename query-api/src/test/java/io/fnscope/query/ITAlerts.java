package io.fnscope.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fnscope.query.alerts.Evaluator;
import io.fnscope.query.alerts.channel.Receiver;
import io.fnscope.query.alerts.channel.WebhookSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import static io.fnscope.query.TestObjects.ACME_ADMIN;
import static io.fnscope.query.TestObjects.ACME_VIEWER;
import static io.fnscope.query.TestObjects.MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts end to end: channels, budgets and rules configured through the API, real rows in ClickHouse (the roll-ups
 * fill from them as in production), the evaluator run at chosen instants, and real HTTP receivers on loopback
 * standing in for Slack, Teams, Google Chat and a webhook. Every figure asserted is computed here from the inputs.
 */
class ITAlerts {
    /** 2026-11-20T12:00:00Z: the evaluator's "now" in most tests. Its month ends 10.5 days = 252 h later. */
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final String UI = "https://fnscope.example.com";

    static final String KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    static QueryApiHarness api;

    @BeforeAll
    static void start() {
        api = new QueryApiHarness(alertProperties());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static Map<String, Object> alertProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("fnscope.alerts.enabled", false); // rounds run when a test says so, at the instant it says
        p.put("fnscope.alerts.outbound-allow[0]", "127.0.0.1");
        p.put("fnscope.alerts.ui-base-url", UI + "/");
        p.put("fnscope.alerts.delivery-timeout", "300ms");
        p.put("fnscope.alerts.delivery-attempts", 3);
        p.put("fnscope.alerts.delivery-backoff", "50ms");
        p.put("fnscope.alerts.delivery-max-backoff", "100ms");
        p.put("fnscope.alerts.secret-key", KEY);
        return p;
    }

    // ---- channels ----

    @Test
    void channelUrlAndSecretAreWriteOnly() throws IOException {
        try (Receiver slack = Receiver.answering(200)) {
            JsonNode created = ok(201, api.send("POST", "/api/v1/channels", ACME_ADMIN,
                    json(Map.of("name", "ops", "kind", "slack", "url", slack.url()))));
            String id = created.path("id").asText();
            assertThat(created.path("url").asText()).isEqualTo(slack.base() + "/…");
            JsonNode listed = ok(200, api.get("/api/v1/channels", ACME_ADMIN));
            assertThat(listed.toString()).contains(id).doesNotContain(Receiver.SECRET_PATH)
                    .doesNotContain(Receiver.SECRET_QUERY);
            JsonNode webhook = ok(201, api.send("POST", "/api/v1/channels", ACME_ADMIN,
                    json(Map.of("name", "hook", "kind", "webhook", "url", slack.url(), "secret", "whsec-123"))));
            assertThat(webhook.path("signed").asBoolean()).isTrue();
            assertThat(webhook.toString()).doesNotContain("whsec-123");
            // At rest, too: ClickHouse holds the URL and the secret encrypted.
            List<String> bodies = api.clickHouse.query("SELECT body FROM " + api.clickHouse.database()
                    + ".alert_config WHERE id IN ({a:String}, {b:String})", Map.of("a", id, "b",
                    webhook.path("id").asText()), r -> r.getString("body"));
            assertThat(bodies).hasSize(2).allSatisfy(b -> assertThat(b).contains("enc:v1:")
                    .doesNotContain(Receiver.SECRET_PATH).doesNotContain("whsec-123"));

            // Renaming keeps the URL (never sent back by clients, since they never see it).
            JsonNode renamed = ok(200, api.send("PUT", "/api/v1/channels/" + id, ACME_ADMIN,
                    json(Map.of("name", "ops-renamed"))));
            assertThat(renamed.path("name").asText()).isEqualTo("ops-renamed");
            JsonNode test = ok(200, api.send("POST", "/api/v1/channels/" + id + "/test", ACME_ADMIN, null));
            assertThat(test.path("delivered").asBoolean()).isTrue();
            assertThat(slack.requests).hasSize(1);
            assertThat(slack.requests.getFirst().path()).isEqualTo(Receiver.SECRET_PATH + "?" + Receiver.SECRET_QUERY);
            assertThat(slack.requests.getFirst().text()).contains("[TEST]").contains("ops-renamed");

            // A viewer may not manage channels (nor see their names).
            assertThat(api.get("/api/v1/channels", ACME_VIEWER).status()).isEqualTo(403);
            assertThat(api.send("DELETE", "/api/v1/channels/" + id, ACME_ADMIN, null).status()).isEqualTo(204);
            assertThat(api.get("/api/v1/channels/" + id, ACME_ADMIN).status()).isEqualTo(404);
        }
    }

    @Test
    void badChannelsAreRefusedNamingTheField() {
        assertBad(Map.of("name", "x", "kind", "pager", "url", "https://hooks.example.com/x"), "kind");
        assertBad(Map.of("name", "x", "kind", "slack"), "url");
        assertBad(Map.of("kind", "slack", "url", "https://hooks.example.com/x"), "name");
        assertBad(Map.of("name", "metadata", "kind", "webhook", "url", "http://169.254.169.254/latest/meta-data"),
                "url");
        assertBad(Map.of("name", "internal", "kind", "webhook", "url", "https://10.1.2.3/hook"), "url");
        assertBad(Map.of("name", "plain", "kind", "slack", "url", "http://203.0.113.7/hook"), "url");
        assertBad(Map.of("name", "x", "kind", "slack", "url", "https://203.0.113.7/hook", "secret", "s"), "secret");
        assertThat(api.send("POST", "/api/v1/channels", ACME_ADMIN, "{not json").status()).isEqualTo(400);
    }

    private static void assertBad(Map<String, Object> body, String field) {
        QueryApiHarness.Answer a = api.send("POST", "/api/v1/channels", ACME_ADMIN, json(body));
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.error()).startsWith(field + ":");
    }

    // ---- budgets ----

    @Test
    void budgetNotifiesOncePerThresholdAndPeriodWithForecast() throws Exception {
        // A tag scope of the test's own: other tests' spend does not count, and tags are exercised on the way.
        String team = "budget-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver slack = Receiver.answering(200)) {
            String channel = channel("slack", slack);
            String budget = ok(201, api.send("POST", "/api/v1/budgets", ACME_ADMIN, json(Map.of(
                    "name", "team " + team, "scope", Map.of("type", "tag", "value", "team=" + team),
                    "period", "month", "amountUsd", 1, "channels", List.of(channel))))).path("id").asText();

            // $0.40 of f1 and $0.20 of f2, half an hour ago; both functions carry team=<team>.
            String f1 = team + "-checkout";
            String f2 = team + "-payments";
            tag(f1, "team", team, NOW.minus(Duration.ofMinutes(40)));
            tag(f2, "team", team, NOW.minus(Duration.ofMinutes(40)));
            spend(f1, NOW.minus(Duration.ofMinutes(30)), 4, "0.10", "ok");
            spend(f2, NOW.minus(Duration.ofMinutes(30)), 2, "0.10", "ok");

            evaluator().evaluate(NOW);
            List<Receiver.Request> first = await(slack, 2);
            // Actual: $0.60 of $1.00 crosses 50 %. Forecast: the last 6 h burned $0.60, and 252 h are left:
            // 0.60 + 0.60 / 6 * 252 = $25.80, past 100 %.
            JsonNode actual = body(first, t -> t.contains("spend at 60 %"));
            assertThat(actual.path("text").asText()).contains("[FIRING]").contains("team " + team);
            String text = actual.toString();
            assertThat(text).contains("$0.60").contains("$1.00").contains("$25.80").contains("50 %")
                    .contains(f1).contains("$0.40 (67 %)").contains(f2).contains("$0.20 (33 %)")
                    .contains(UI + "/cost?groupBy=function&from=" + Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
            assertThat(actual.path("blocks").get(0).path("type").asText()).isEqualTo("header");
            JsonNode forecast = body(first, t -> t.contains("forecast at 2580 %"));
            assertThat(forecast.toString()).contains("$25.80").contains("100 % of the forecast");

            // Nothing new: no second notification of either.
            evaluator().evaluate(NOW.plusSeconds(60));
            // $0.30 more: $0.90 crosses 80 %, and only 80 %.
            spend(f1, NOW.minus(Duration.ofMinutes(10)), 3, "0.10", "ok");
            evaluator().evaluate(NOW.plusSeconds(120));
            List<Receiver.Request> second = await(slack, 3);
            JsonNode eighty = JSON(second.get(2));
            assertThat(eighty.toString()).contains("spend at 90 %").contains("80 % of the actual spend")
                    .contains("$0.90");
            quiet(slack, 3);

            // December starts fresh: $0.55 crosses 50 % again (a new period, a new notification).
            Instant december = Instant.parse("2026-12-01T06:00:00Z");
            tag(f1, "team", team, december.minus(Duration.ofHours(2)));
            spend(f1, december.minus(Duration.ofHours(1)), 11, "0.05", "ok");
            evaluator().evaluate(december);
            List<Receiver.Request> third = await(slack, 5);
            JsonNode dec = body(third.subList(3, 5), t -> t.contains("spend at 55 %"));
            assertThat(dec.toString()).contains("$0.55").contains("50 % of the actual spend");

            // The budget's own view answers for the real "now": this month's spend of the data above.
            JsonNode status = ok(200, api.get("/api/v1/budgets/" + budget, ACME_VIEWER));
            java.time.YearMonth month = java.time.YearMonth.now(java.time.ZoneOffset.UTC);
            assertThat(status.path("periodStart").asText())
                    .isEqualTo(month.atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toString());
            BigDecimal expected = month.toString().equals("2026-11") ? new BigDecimal("0.9")
                    : month.toString().equals("2026-12") ? new BigDecimal("0.55") : BigDecimal.ZERO;
            assertThat(status.path("spendUsd").decimalValue()).isEqualByComparingTo(expected);
            assertThat(status.path("budget").path("thresholds").toString()).isEqualTo("[50,80,100]");
        }
    }

    @Test
    void aJumpPastSeveralThresholdsIsOneMessage() throws Exception {
        String team = "jump-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver slack = Receiver.answering(200)) {
            String channel = channel("slack", slack);
            String budget = ok(201, api.send("POST", "/api/v1/budgets", ACME_ADMIN, json(Map.of("name", team,
                    "scope", Map.of("type", "tag", "value", "team=" + team), "period", "day", "amountUsd", 0.1,
                    "forecastThresholds", List.of(), "channels", List.of(channel))))).path("id").asText();
            tag(team + "-fn", "team", team, NOW.minus(Duration.ofMinutes(20)));
            spend(team + "-fn", NOW.minus(Duration.ofMinutes(10)), 2, "0.10", "ok");
            evaluator().evaluate(NOW);
            List<Receiver.Request> got = await(slack, 1);
            assertThat(got.getFirst().text()).contains("spend at 200 %").contains("100 % of the actual spend");
            quiet(slack, 1);
            evaluator().evaluate(NOW.plusSeconds(60));
            quiet(slack, 1);
            // Each threshold has its event (none will fire again this period); only the highest was sent.
            JsonNode events = ok(200, api.get("/api/v1/alerts?from=" + NOW.minus(Duration.ofHours(1)).toEpochMilli()
                    + "&to=" + NOW.plus(Duration.ofHours(1)).toEpochMilli(), ACME_VIEWER)).path("events");
            List<String> mine = new ArrayList<>();
            events.forEach(e -> {
                if (e.path("sourceId").asText().equals(budget)) {
                    mine.add(e.path("alertKey").asText().replaceAll(".*:", "") + "/" + e.path("deliveries").size());
                }
            });
            assertThat(mine).containsExactlyInAnyOrder("50/0", "80/0", "100/1");
        }
    }

    @Test
    void badBudgetsAndRulesAreRefusedNamingTheField() {
        String[][] cases = {
                {"/api/v1/budgets", "{\"amountUsd\": 0}", "amountUsd"},
                {"/api/v1/budgets", "{\"amountUsd\": 10, \"period\": \"year\"}", "period"},
                {"/api/v1/budgets", "{\"amountUsd\": 10, \"timeZone\": \"Mars/Olympus\"}", "timeZone"},
                {"/api/v1/budgets", "{\"amountUsd\": 10, \"thresholds\": [0]}", "thresholds"},
                {"/api/v1/budgets", "{\"amountUsd\": 10, \"scope\": {\"type\": \"tag\", \"value\": \"team\"}}",
                        "scope.value"},
                {"/api/v1/budgets", "{\"amountUsd\": 10, \"channels\": [\"nope\"]}", "channels"},
                {"/api/v1/rules", "{\"type\": \"vibes\"}", "type"},
                {"/api/v1/rules", "{\"type\": \"error-rate\", \"threshold\": 5}", "threshold"},
                {"/api/v1/rules", "{\"type\": \"error-rate\", \"window\": \"5 parsecs\"}", "window"},
                {"/api/v1/rules", "{\"type\": \"error-budget-burn\", \"shortWindow\": \"2h\"}", "shortWindow"},
                {"/api/v1/rules", "{\"type\": \"runaway-cost\", \"metric\": \"vibes\"}", "metric"},
                {"/api/v1/rules", "{\"type\": \"p95-duration\"}", "threshold"},
        };
        for (String[] c : cases) {
            QueryApiHarness.Answer a = api.send("POST", c[0], ACME_ADMIN, c[1]);
            assertThat(a.status()).as(c[1] + " -> " + a.body()).isEqualTo(400);
            assertThat(a.error()).as(c[1] + " -> " + a.body()).startsWith(c[2]);
        }
        assertThat(api.send("POST", "/api/v1/rules", ACME_VIEWER, "{\"type\": \"error-rate\"}").status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/alerts?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/alerts?from=yesterday").error()).startsWith("parameter 'from' must be");
        assertThat(api.get("/api/v1/alerts?limit=many").error()).startsWith("parameter 'limit' must be a whole number");
        assertThat(api.get("/api/v1/alerts?severity=high").error()).startsWith("unknown parameter 'severity'");
        assertThat(api.get("/api/v1/alerts?from=" + NOW.minus(Duration.ofDays(4000)).toEpochMilli() + "&to="
                + NOW.toEpochMilli()).error()).contains("fnscope.retention.alerts-days");
    }

    // ---- rules ----

    @Test
    void errorSpikeFiresResolvesAndRespectsCooldown() throws Exception {
        String fn = "orders-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver teams = Receiver.answering(202)) {
            String channel = channel("teams", teams);
            String rule = ok(201, api.send("POST", "/api/v1/rules", ACME_ADMIN, json(Map.of("name", "orders errors",
                    "type", "error-rate", "scope", Map.of("type", "function", "value", fn), "window", "5m",
                    "threshold", 0.1, "minInvocations", 20, "channels", List.of(channel))))).path("id").asText();

            // 30 invocations two minutes ago, 10 failed: 33.3 %.
            spend(fn, NOW.minus(Duration.ofMinutes(2)), 20, "0.000001", "ok");
            spend(fn, NOW.minus(Duration.ofMinutes(2)), 10, "0.000001", "error");
            assertThat(evaluator().evaluate(NOW).notifications()).isGreaterThanOrEqualTo(1);
            JsonNode firing = JSON(await(teams, 1).getFirst());
            JsonNode card = firing.path("attachments").get(0);
            assertThat(card.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
            assertThat(card.path("content").path("type").asText()).isEqualTo("AdaptiveCard");
            assertThat(card.toString()).contains("[FIRING]").contains("33.3 %").contains("10.0 %")
                    .contains("10 errors of 30").contains(UI + "/functions/" + fn);

            evaluator().evaluate(NOW.plusSeconds(60)); // still firing: nothing new
            quiet(teams, 1);

            // Ten minutes later the window is empty: below the minimum, so resolved.
            evaluator().evaluate(NOW.plus(Duration.ofMinutes(10)));
            JsonNode resolved = JSON(await(teams, 2).get(1));
            assertThat(resolved.toString()).contains("[RESOLVED]");

            // A new spike 12 minutes in is within the 15-minute cooldown of the first firing: not notified...
            spend(fn, NOW.plus(Duration.ofMinutes(12)), 30, "0.000001", "error");
            evaluator().evaluate(NOW.plus(Duration.ofMinutes(13)));
            quiet(teams, 2);
            // ...and after the cooldown it is.
            evaluator().evaluate(NOW.plus(Duration.ofMinutes(16)));
            assertThat(JSON(await(teams, 3).get(2)).toString()).contains("[FIRING]").contains("100.0 %");

            JsonNode alerts = ok(200, api.get("/api/v1/alerts?from=" + NOW.toEpochMilli() + "&to="
                    + NOW.plus(Duration.ofHours(1)).toEpochMilli(), ACME_VIEWER));
            List<JsonNode> mine = new ArrayList<>();
            alerts.path("events").forEach(e -> {
                if (e.path("sourceId").asText().equals(rule)) {
                    mine.add(e);
                }
            });
            assertThat(mine).extracting(e -> e.path("state").asText()).containsExactly("firing", "resolved", "firing");
            assertThat(mine).extracting(e -> e.path("sequence").asInt()).containsExactly(3, 2, 1);
            awaitDeliveries(rule, 1);
            JsonNode latest = ok(200, api.get("/api/v1/alerts?from=" + NOW.toEpochMilli() + "&to="
                    + NOW.plus(Duration.ofHours(1)).toEpochMilli(), ACME_VIEWER));
            JsonNode firstFiring = find(latest.path("events"), rule, 1);
            assertThat(firstFiring.path("deliveries").get(0).path("outcome").asText()).isEqualTo("delivered");
            assertThat(firstFiring.path("deliveries").get(0).path("httpStatus").asInt()).isEqualTo(202);
            assertThat(latest.path("firing").toString()).contains(rule);
            // Deleted while firing: no longer listed as firing, still in the history.
            assertThat(api.send("DELETE", "/api/v1/rules/" + rule, ACME_ADMIN, null).status()).isEqualTo(204);
            JsonNode afterDelete = ok(200, api.get("/api/v1/alerts?from=" + NOW.toEpochMilli() + "&to="
                    + NOW.plus(Duration.ofHours(1)).toEpochMilli(), ACME_VIEWER));
            assertThat(afterDelete.path("firing").toString()).doesNotContain(rule);
            assertThat(afterDelete.path("events").toString()).contains(rule);
            // Another tenant sees none of it.
            assertThat(api.get("/api/v1/alerts?from=" + NOW.toEpochMilli() + "&to="
                    + NOW.plus(Duration.ofHours(1)).toEpochMilli(), TestObjects.GLOBEX_VIEWER).body()).doesNotContain(rule);
        }
    }

    @Test
    void sloBurnFiresOnlyWhenBothWindowsBurn() throws Exception {
        String fn = "burn-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver webhook = Receiver.answering(200)) {
            String channel = channel("webhook", webhook);
            ok(201, api.send("POST", "/api/v1/rules", ACME_ADMIN, json(Map.of("type", "error-budget-burn",
                    "scope", Map.of("type", "function", "value", fn), "sloTarget", 0.99, "burnRate", 10,
                    "longWindow", "1h", "shortWindow", "5m", "minInvocations", 10, "channels", List.of(channel)))));
            // An error budget of 1 %. 50 minutes ago 200 calls, 4 failed; 2 minutes ago 20 calls, 10 failed.
            // Last 5 m: 50 % = 50x; last hour: 14 / 220 = 6.4 % = 6.36x: only one window burns, no alert.
            spend(fn, NOW.minus(Duration.ofMinutes(50)), 196, "0.000001", "ok");
            spend(fn, NOW.minus(Duration.ofMinutes(50)).plusSeconds(1), 4, "0.000001", "error");
            spend(fn, NOW.minus(Duration.ofMinutes(2)), 10, "0.000001", "ok");
            spend(fn, NOW.minus(Duration.ofMinutes(2)).plusSeconds(1), 10, "0.000001", "error");
            evaluator().evaluate(NOW);
            quiet(webhook, 0);
            // 40 more calls, 20 failed: the hour is at 34 / 260 = 13.08x, the 5 minutes at 30 / 60 = 50x. Fires.
            spend(fn, NOW.minus(Duration.ofMinutes(1)), 20, "0.000001", "ok");
            spend(fn, NOW.minus(Duration.ofMinutes(1)).plusSeconds(1), 20, "0.000001", "error");
            evaluator().evaluate(NOW.plusSeconds(10));
            JsonNode msg = JSON(await(webhook, 1).getFirst());
            assertThat(msg.path("title").asText()).contains("error budget burning 13.08x");
            assertThat(msg.path("facts").toString()).contains("13.08x").contains("50x").contains("13.1 %")
                    .contains("50.0 %").contains("99.0 %");
        }
    }

    @Test
    void p95DurationFiresOnTheSlowestFunction() throws Exception {
        String service = "checkout-svc-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver slack = Receiver.answering(200)) {
            String channel = channel("slack", slack);
            ok(201, api.send("POST", "/api/v1/rules", ACME_ADMIN, json(Map.of("type", "p95-duration",
                    "scope", Map.of("type", "service", "value", service), "threshold", 1000, "minInvocations", 20,
                    "channels", List.of(channel)))));
            // Two functions of the service: fast (100 ms) and slow (40 of 100 ms and 10 of 3 s: its p95 is 3 s).
            durations(service, service + "-fast", NOW.minus(Duration.ofMinutes(2)), 40, 100);
            durations(service, service + "-slow", NOW.minus(Duration.ofMinutes(2)), 40, 100);
            durations(service, service + "-slow", NOW.minus(Duration.ofMinutes(1)), 10, 3000);
            evaluator().evaluate(NOW);
            String text = await(slack, 1).getFirst().text();
            assertThat(text).contains("p95 duration 3000 ms").contains(service + "-slow")
                    .contains("Threshold").contains("1000 ms");
        }
    }

    @Test
    void aMutedRuleStaysQuietUntilTheMuteEnds() throws Exception {
        String fn = "muted-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver chat = Receiver.answering(200)) {
            String channel = channel("google-chat", chat);
            ok(201, api.send("POST", "/api/v1/rules", ACME_ADMIN, json(Map.of("type", "cold-start-rate",
                    "scope", Map.of("type", "function", "value", fn), "threshold", 0.5, "minInvocations", 5,
                    "mutedUntil", NOW.plusSeconds(90).toString(), "channels", List.of(channel)))));
            coldStarts(fn, NOW.minus(Duration.ofMinutes(1)), 6);
            evaluator().evaluate(NOW);
            quiet(chat, 0);
            evaluator().evaluate(NOW.plusSeconds(120));
            JsonNode msg = JSON(await(chat, 1).getFirst());
            assertThat(msg.path("cardsV2").get(0).path("card").path("header").path("title").asText())
                    .contains("Cold-start rate 100.0 %");
        }
    }

    @Test
    void recursiveLoopThroughAQueueIsDetected() throws Exception {
        String fn = "looper-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver chat = Receiver.answering(200)) {
            String channel = channel("google-chat", chat);
            ok(201, api.send("POST", "/api/v1/rules", ACME_ADMIN, json(Map.of("name", "loops", "type",
                    "recursive-loop", "scope", Map.of("type", "function", "value", fn), "maxRepeats", 3,
                    "channels", List.of(channel)))));
            // A message that makes its consumer send it again: five turns, each a new trace joined by message ids.
            String firstTrace = loop(fn, "loop-" + fn, 5, NOW.minus(Duration.ofMinutes(5)));
            evaluator().evaluate(NOW);
            JsonNode msg = JSON(await(chat, 1).getFirst());
            assertThat(msg.toString()).contains("recursive loop through " + fn).contains("invoked 5 times")
                    .contains("queue:aws_sqs:loop-" + fn).contains(UI + "/transactions/");
            assertThat(firstTrace).hasSize(32);
        }
    }

    @Test
    void aRequestWaitingOnItsReceiverDoesNotHoldUpTheNextRequest() throws Exception {
        // One event loop for the whole server: a handler that waited on it would stall every other request.
        Map<String, Object> p = alertProperties();
        p.put("micronaut.netty.event-loops.default.num-threads", 1);
        p.put("micronaut.server.netty.worker.threads", 1);
        p.put("fnscope.alerts.delivery-timeout", "3s");
        p.put("fnscope.alerts.delivery-attempts", 1);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try (QueryApiHarness oneLoop = new QueryApiHarness(p);
             Receiver hanging = new Receiver(n -> Receiver.Reply.never())) {
            String id = ok(201, oneLoop.send("POST", "/api/v1/channels", ACME_ADMIN,
                    json(Map.of("name", "slow", "kind", "slack", "url", hanging.url())))).path("id").asText();
            Future<QueryApiHarness.Answer> slow = pool.submit(
                    () -> oneLoop.send("POST", "/api/v1/channels/" + id + "/test", ACME_ADMIN, null));
            long waitStarted = System.nanoTime();
            while (hanging.requests.isEmpty() && System.nanoTime() - waitStarted < 5_000_000_000L) {
                Thread.sleep(10); // until the test delivery is out and its handler waits for the receiver
            }
            assertThat(hanging.requests).hasSize(1);
            long started = System.nanoTime();
            QueryApiHarness.Answer quick = oneLoop.get("/api/v1/traces/" + TestObjects.traceId());
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(quick.status()).isEqualTo(404);
            assertThat(slow.isDone()).as("the channel test still waits for its receiver").isFalse();
            assertThat(tookMs).as("a trace lookup beside a request waiting 3 s").isLessThan(1500);
            JsonNode outcome = ok(200, slow.get());
            assertThat(outcome.path("delivered").asBoolean()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyRotationSealsTheChannelsAgainAtStartUp() throws IOException {
        String newKey = java.util.Base64.getEncoder().encodeToString("rotated-key-rotated-key-rotated!".getBytes());
        try (QueryApiHarness old = new QueryApiHarness(alertProperties()); // a database of its own, the old key
             Receiver hook = Receiver.answering(200)) {
            String id = ok(201, old.send("POST", "/api/v1/channels", ACME_ADMIN, json(Map.of("name", "rotating",
                    "kind", "webhook", "url", hook.url(), "secret", "whsec-rot")))).path("id").asText();
            String before = storedChannel(old, id);
            assertThat(io.fnscope.query.alerts.AlertsTestAccess.resealed(old.context)).isZero();
            // Another replica with the new key and the old one as previous: it opens the channel and seals it again.
            Map<String, Object> rotated = alertProperties();
            rotated.put("fnscope.clickhouse.database", old.clickHouse.database());
            rotated.put("fnscope.alerts.secret-key", newKey);
            rotated.put("fnscope.alerts.previous-secret-keys", KEY);
            try (QueryApiHarness replica = new QueryApiHarness(rotated)) {
                assertThat(io.fnscope.query.alerts.AlertsTestAccess.resealed(replica.context)).isEqualTo(1);
                assertThat(storedChannel(old, id)).isNotEqualTo(before).contains("enc:v1:")
                        .doesNotContain("whsec-rot");
            }
            // The old key alone no longer opens it; the new key alone does, and its secret still signs.
            assertThat(old.send("POST", "/api/v1/channels/" + id + "/test", ACME_ADMIN, null).status())
                    .isEqualTo(409);
            Map<String, Object> onlyNew = alertProperties();
            onlyNew.put("fnscope.clickhouse.database", old.clickHouse.database());
            onlyNew.put("fnscope.alerts.secret-key", newKey);
            try (QueryApiHarness after = new QueryApiHarness(onlyNew)) {
                assertThat(io.fnscope.query.alerts.AlertsTestAccess.resealed(after.context)).isZero();
                assertThat(ok(200, after.send("POST", "/api/v1/channels/" + id + "/test", ACME_ADMIN, null))
                        .path("delivered").asBoolean()).isTrue();
                Receiver.Request last = hook.requests.getLast();
                assertThat(WebhookSignature.verify("whsec-rot", last.body(), last.header(WebhookSignature.HEADER)))
                        .isTrue();
            }
        }
    }

    private static String storedChannel(QueryApiHarness h, String id) {
        return h.clickHouse.query("SELECT argMax(body, version) AS b FROM " + h.clickHouse.database()
                + ".alert_config WHERE id = {id:String}", Map.of("id", id), r -> r.getString("b")).getFirst();
    }

    @Test
    void aFailingChannelIsRetriedAndRecordedWithoutHoldingUpTheOthers() throws Exception {
        String fn = "flaky-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver broken = Receiver.answering(500);
             Receiver hanging = new Receiver(n -> Receiver.Reply.never());
             Receiver webhook = Receiver.answering(200)) {
            String brokenId = channel("webhook", broken);
            String hangingId = channel("slack", hanging);
            String hookId = ok(201, api.send("POST", "/api/v1/channels", ACME_ADMIN, json(Map.of("name", "signed",
                    "kind", "webhook", "url", webhook.url(), "secret", "whsec-it")))).path("id").asText();
            String rule = ok(201, api.send("POST", "/api/v1/rules", ACME_ADMIN, json(Map.of("type", "runaway-cost",
                    "scope", Map.of("type", "function", "value", fn), "metric", "invocations", "floorPerMinute", 10,
                    "channels", List.of(brokenId, hangingId, hookId))))).path("id").asText();
            // Baseline: 60 invocations over the hour before (1/min); now: 500 in the last 5 minutes (100/min).
            spend(fn, NOW.minus(Duration.ofMinutes(40)), 60, "0.000001", "ok");
            spend(fn, NOW.minus(Duration.ofMinutes(3)), 500, "0.000001", "ok");
            long started = System.nanoTime();
            evaluator().evaluate(NOW);
            Receiver.Request signed = await(webhook, 1).getFirst();
            // The healthy channel is not held up by the other two (each of which takes 3 attempts).
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(WebhookSignature.verify("whsec-it", signed.body(), signed.header("X-Fnscope-Signature"))).isTrue();
            assertThat(WebhookSignature.verifyTimestamped("whsec-it", signed.body(),
                    signed.header("X-Fnscope-Timestamped-Signature"), Instant.now(), Duration.ofMinutes(5))).isTrue();
            JsonNode payload = JSON(signed);
            assertThat(payload.path("state").asText()).isEqualTo("firing");
            assertThat(payload.toString()).contains("runaway invocations per minute 100")
                    .contains("1 per minute");

            await(broken, 3);
            await(hanging, 3);
            JsonNode event = awaitDeliveries(rule, 7);
            List<String> brokenOutcomes = new ArrayList<>();
            List<String> hangingOutcomes = new ArrayList<>();
            for (JsonNode d : event.path("deliveries")) {
                if (d.path("channelId").asText().equals(brokenId)) {
                    brokenOutcomes.add(d.path("outcome").asText() + "/" + d.path("httpStatus").asInt());
                } else if (d.path("channelId").asText().equals(hangingId)) {
                    hangingOutcomes.add(d.path("outcome").asText() + "/" + d.path("httpStatus").asInt());
                }
            }
            assertThat(brokenOutcomes).containsExactly("retrying/500", "retrying/500", "failed/500");
            assertThat(hangingOutcomes).containsExactly("retrying/0", "retrying/0", "failed/0");
            assertThat(event.toString()).doesNotContain(Receiver.SECRET_PATH).doesNotContain(Receiver.SECRET_QUERY);
            // And on /metrics, for the operator's own alerting.
            String metrics = api.get("/metrics", null).body();
            assertThat(metrics).containsPattern("fnscope_alerts_delivery_attempts_total\\{[^}]*kind=\"webhook\"[^}]*"
                    + "outcome=\"failed\"[^}]*} [1-9]").contains("fnscope_alerts_notifications_total");
        }
    }

    // ---- two evaluators ----

    @Test
    void twoEvaluatorsAtOnceSendEachNotificationOnce() throws Exception {
        Map<String, Object> p = alertProperties();
        p.put("fnscope.clickhouse.database", api.clickHouse.database());
        String fn = "twins-" + UUID.randomUUID().toString().substring(0, 8);
        try (QueryApiHarness replica = new QueryApiHarness(p); Receiver slack = Receiver.answering(200)) {
            String channel = channel("slack", slack);
            ok(201, api.send("POST", "/api/v1/rules", ACME_ADMIN, json(Map.of("type", "error-rate",
                    "scope", Map.of("type", "function", "value", fn), "threshold", 0.5, "minInvocations", 1,
                    "channels", List.of(channel)))));
            spend(fn, NOW.minus(Duration.ofMinutes(1)), 4, "0.000001", "error");
            Evaluator a = evaluator();
            Evaluator b = replica.context.getBean(Evaluator.class);

            // Both try for the same lease term: exactly one evaluates.
            List<Evaluator.Round> leases = both(() -> a.runIfLeader(NOW), () -> b.runIfLeader(NOW));
            assertThat(leases).filteredOn(Evaluator.Round::leader).hasSize(1);
            await(slack, 1);
            // Failover: whichever led, the other alone takes the next term, and the firing alert is not sent again.
            Evaluator survivor = leases.get(0).leader() ? b : a;
            assertThat(survivor.runIfLeader(NOW.plus(Duration.ofMinutes(1))).leader()).isTrue();
            assertThat(survivor.runIfLeader(NOW.plus(Duration.ofMinutes(1))).leader()).isFalse(); // one round a term
            quiet(slack, 1);
            // Both believe they lead (a round that overran its term) and evaluate the next change at once:
            // the resolution is still sent once. (Rounds evaluate every test's rules; the receiver counts only
            // this one's.)
            both(() -> a.evaluate(NOW.plus(Duration.ofMinutes(10))), () -> b.evaluate(NOW.plus(Duration.ofMinutes(10))));
            assertThat(await(slack, 2).get(1).text()).contains("[RESOLVED]");
            quiet(slack, 2);
        }
    }

    @Test
    void theSchedulerEvaluatesOnItsOwnWithTheRealClock() throws Exception {
        Map<String, Object> p = alertProperties();
        p.put("fnscope.clickhouse.database", api.clickHouse.database());
        p.put("fnscope.alerts.enabled", true);
        p.put("fnscope.alerts.interval", "1s");
        String fn = "live-" + UUID.randomUUID().toString().substring(0, 8);
        try (Receiver slack = Receiver.answering(200)) {
            String channel = channel("slack", slack);
            ok(201, api.send("POST", "/api/v1/rules", ACME_ADMIN, json(Map.of("type", "error-rate",
                    "scope", Map.of("type", "function", "value", fn), "threshold", 0.5, "minInvocations", 1,
                    "channels", List.of(channel)))));
            spend(fn, Instant.now().minusSeconds(30), 3, "0.000001", "error");
            try (QueryApiHarness scheduled = new QueryApiHarness(p)) {
                assertThat(scheduled.context.containsBean(Evaluator.class)).isTrue();
                assertThat(JSON(await(slack, 1).getFirst()).path("text").asText()).contains("[FIRING]")
                        .contains("Error rate 100.0 %");
            }
        }
    }

    private static <T> List<T> both(Callable<T> x, Callable<T> y) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Future<T> fx = pool.submit(() -> {
                go.await();
                return x.call();
            });
            Future<T> fy = pool.submit(() -> {
                go.await();
                return y.call();
            });
            go.countDown();
            return List.of(fx.get(), fy.get());
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- fixtures ----

    private static Evaluator evaluator() {
        return api.context.getBean(Evaluator.class);
    }

    private static String channel(String kind, Receiver r) {
        return ok(201, api.send("POST", "/api/v1/channels", ACME_ADMIN,
                json(Map.of("name", kind + "-" + UUID.randomUUID(), "kind", kind, "url", r.url()))))
                .path("id").asText();
    }

    /** {@code count} invocations of {@code function} (platform reports, exact cost each) at {@code at}. */
    private static void spend(String function, Instant at, int count, String usdEach, String status) {
        reports(function, "", at, count, 100, null, status, usdEach);
    }

    private static void durations(String service, String function, Instant at, int count, double ms) {
        reports(function, service, at, count, ms, null, "ok", "0.000001");
    }

    private static void coldStarts(String function, Instant at, int count) {
        reports(function, "", at, count, 100, 250.0, "ok", "0.000001");
    }

    /** {@code count} platform-report halves, 1 ms apart from {@code at}: 512 MB, exact cost {@code usdEach} each. */
    private static void reports(String function, String service, Instant at, int count, double ms, Double initMs,
                                String status, String usdEach) {
        List<TestObjects.Half> halves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            halves.add(TestObjects.Half.ofReport("acme", function, UUID.randomUUID().toString(),
                    at.toEpochMilli() * MS + i * MS, 512, ms, (long) Math.ceil(ms), initMs, 100, status,
                    new BigDecimal(usdEach)).service(service));
        }
        TestObjects.insertInvocations(api.clickHouse, halves);
    }

    /** A server span of {@code function} carrying the resource attribute {@code key=value}. */
    private static void tag(String function, String key, String value, Instant at) {
        TestObjects.insertSpans(api.clickHouse, List.of(TestObjects.span(TestObjects.traceId()).kind("server")
                .function(function).service(function).resource(key, value).at(at.toEpochMilli() * MS, MS)));
    }

    /**
     * {@code turns} invocations of {@code function}, each consuming the message the previous one sent to SQS queue
     * {@code queue} and sending the next, each in a trace of its own. Returns the first trace.
     */
    private static String loop(String function, String queue, int turns, Instant start) {
        List<TestObjects.Span> spans = new ArrayList<>();
        List<TestObjects.Half> halves = new ArrayList<>();
        String first = null;
        for (int i = 0; i < turns; i++) {
            long t = start.toEpochMilli() * MS + i * 100 * MS;
            TestObjects.Span server = TestObjects.span(TestObjects.traceId()).kind("server").name(queue + " process")
                    .function(function).service(function).invocation(UUID.randomUUID().toString())
                    .at(t, 50 * MS).attr("faas.trigger", "pubsub").attr("messaging.system", "aws_sqs")
                    .attr("messaging.destination.name", queue);
            if (i > 0) {
                server.attr("messaging.message.id", "msg-" + function + "-" + (i - 1));
            }
            TestObjects.Span send = TestObjects.span(server.traceId).parent(server).kind("producer")
                    .name(queue + " send").function(function).service(function).at(t + 10 * MS, 5 * MS)
                    .attr("messaging.system", "aws_sqs").attr("messaging.destination.name", queue)
                    .attr("messaging.message.id", "msg-" + function + "-" + i);
            spans.add(server);
            spans.add(send);
            halves.add(TestObjects.Half.ofSpan(server, new BigDecimal("0.000001")));
            first = first == null ? server.traceId : first;
        }
        TestObjects.insertSpans(api.clickHouse, spans);
        TestObjects.insertInvocations(api.clickHouse, halves);
        return first;
    }

    private static List<Receiver.Request> await(Receiver r, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (r.requests.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(r.requests).as("requests received").hasSizeGreaterThanOrEqualTo(count);
        return List.copyOf(r.requests);
    }

    /** Nothing beyond {@code count} arrives (deliveries are asynchronous: give a late one the time to show). */
    private static void quiet(Receiver r, int count) throws InterruptedException {
        Thread.sleep(400);
        assertThat(r.requests).as("requests received").hasSize(count);
    }

    /** The rule's first event once it shows {@code attempts} delivery attempts. */
    private static JsonNode awaitDeliveries(String rule, int attempts) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode event = null;
        while (System.nanoTime() < deadline) {
            JsonNode alerts = ok(200, api.get("/api/v1/alerts?from=" + NOW.minus(Duration.ofHours(1)).toEpochMilli()
                    + "&to=" + NOW.plus(Duration.ofHours(1)).toEpochMilli(), ACME_VIEWER));
            event = find(alerts.path("events"), rule, 1);
            if (event != null && event.path("deliveries").size() >= attempts) {
                return event;
            }
            Thread.sleep(50);
        }
        assertThat(event).as("event of rule " + rule).isNotNull();
        assertThat(event.path("deliveries").size()).as(event.toString()).isGreaterThanOrEqualTo(attempts);
        return event;
    }

    private static JsonNode find(JsonNode events, String rule, int sequence) {
        for (JsonNode e : events) {
            if (e.path("sourceId").asText().equals(rule) && e.path("sequence").asInt() == sequence) {
                return e;
            }
        }
        return null;
    }

    private static JsonNode body(List<Receiver.Request> requests, Predicate<String> which) {
        return requests.stream().filter(r -> which.test(r.text())).map(ITAlerts::JSON).findFirst()
                .orElseThrow(() -> new AssertionError("no request matching; got " + requests.stream()
                        .map(Receiver.Request::text).toList()));
    }

    private static JsonNode JSON(Receiver.Request r) {
        try {
            return QueryApiHarness.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.text(), e);
        }
    }

    private static String json(Object o) {
        try {
            return QueryApiHarness.JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode ok(int status, QueryApiHarness.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        return a.json();
    }
}
