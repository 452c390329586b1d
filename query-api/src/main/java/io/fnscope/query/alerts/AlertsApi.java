package io.fnscope.query.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fnscope.clickhouse.RetentionSettings;
import io.fnscope.ops.ApiError;
import io.fnscope.query.ApiAuthFilter;
import io.fnscope.query.BadRequestException;
import io.fnscope.query.Params;
import io.fnscope.query.TimeRange;
import io.fnscope.query.alerts.channel.Channel;
import io.fnscope.query.alerts.channel.ChannelKind;
import io.fnscope.query.alerts.channel.DeliveryResult;
import io.fnscope.query.alerts.channel.Notification;
import io.fnscope.query.alerts.channel.OutboundPolicy;
import io.fnscope.tenancy.Principal;
import io.fnscope.tenancy.Role;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.inject.Named;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Alert configuration and history, {@code /api/v1}: channels (admin only: they hold webhook URLs), budgets and rules
 * (read by viewers, written by admins), and the alerts raised with their deliveries. Everything is the caller's
 * tenant's; another tenant's id answers 404.
 */
@Controller("/api/v1")
// Handlers wait on ClickHouse: never on an event loop; platform threads, as QueryApi explains.
@ExecuteOn(TaskExecutors.IO)
@Requires(property = "fnscope.query.enabled", notEquals = "false")
class AlertsApi {
    private static final int MAX_NAME = 200;
    private static final int MAX_URL = 2048;
    private static final int MAX_CHANNELS = 100;
    private static final int MAX_EVENTS = 1000;
    private static final Duration HISTORY_RANGE = Duration.ofDays(7);

    private final AlertConfigStore config;
    private final AlertHistory history;
    private final BudgetEvaluator budgets;
    private final ChannelNotifier notifier;
    private final OutboundPolicy policy;
    private final Clock clock;
    private final JsonMapper json;
    private final SecretBox secrets;
    private final RetentionSettings retention;

    AlertsApi(AlertConfigStore config, AlertHistory history, BudgetEvaluator budgets, ChannelNotifier notifier,
              OutboundPolicy policy, @Named("query") Clock clock, JsonMapper json, SecretBox secrets,
              RetentionSettings retention) {
        this.retention = retention;
        this.json = json;
        this.secrets = secrets;
        this.config = config;
        this.history = history;
        this.budgets = budgets;
        this.notifier = notifier;
        this.policy = policy;
        this.clock = clock;
    }

    // ---- channels ----

    @Get("/channels")
    @Tag(name = "alerts")
    @Operation(summary = "The tenant's chat and webhook channels (admin); URLs masked, secrets never shown")
    HttpResponse<?> channels(@Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> HttpResponse.ok(config.list(p.tenant(), AlertConfigStore.Type.CHANNEL,
                StoredChannel.class).stream().map(s -> view(p.tenant(), s.id(), s.value())).toList()));
    }

    @Get("/channels/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "One channel (admin)")
    HttpResponse<?> channel(@PathVariable String id,
                            @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> storedChannel(p, id)
                .<HttpResponse<?>>map(c -> HttpResponse.ok(ChannelView.of(c))).orElseGet(() -> notFound("channel", id)));
    }

    @Post("/channels")
    @Tag(name = "alerts")
    @Operation(summary = "Create a channel (admin)", description = "kind: slack, teams (a Workflows webhook),"
            + " google-chat or webhook (fnscope's JSON, signed with HMAC-SHA256 when a secret is given). The URL must"
            + " be https to a public address unless fnscope.alerts.outbound-allow lists it.")
    HttpResponse<?> createChannel(@Nullable @Body String json,
                                  @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> {
            ChannelRequest body = parse(json, ChannelRequest.class);
            if (config.list(p.tenant(), AlertConfigStore.Type.CHANNEL, StoredChannel.class).size() >= MAX_CHANNELS) {
                throw new BadRequestException("a tenant has at most " + MAX_CHANNELS + " channels; delete one first");
            }
            Channel c = checkedChannel(p.tenant(), UUID.randomUUID().toString(), body, null);
            save(c);
            return HttpResponse.created(ChannelView.of(c));
        });
    }

    @Put("/channels/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "Change a channel (admin); url and secret are kept when left out")
    HttpResponse<?> updateChannel(@PathVariable String id, @Nullable @Body String json,
                                  @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> storedChannel(p, id).<HttpResponse<?>>map(old -> {
            Channel c = checkedChannel(p.tenant(), id, parse(json, ChannelRequest.class), old);
            save(c);
            return HttpResponse.ok(ChannelView.of(c));
        }).orElseGet(() -> notFound("channel", id)));
    }

    @Delete("/channels/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "Delete a channel (admin)")
    HttpResponse<?> deleteChannel(@PathVariable String id,
                                  @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        // Without decrypting: a channel stored under a lost key can still be deleted.
        return delete(p, AlertConfigStore.Type.CHANNEL, id, StoredChannel.class);
    }

    /** The answer of a test message: how its delivery ended. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TestResult(String deliveryId, boolean delivered, String outcome, int attempts, int httpStatus,
                      @Nullable String error) {
    }

    @Post("/channels/{id}/test")
    @Tag(name = "alerts")
    @Operation(summary = "Send a test message to a channel (admin) and wait for the outcome, retries included")
    HttpResponse<?> testChannel(@PathVariable String id,
                                @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> storedChannel(p, id).<HttpResponse<?>>map(c -> {
            Instant now = clock.instant();
            String eventId = "test:" + id + ":" + now.toEpochMilli();
            Notification n = new Notification(p.tenant(), eventId, Notification.State.TEST,
                    Notification.Severity.INFO, "fnscope test message for '" + c.name() + "'",
                    "If you can read this, fnscope alerts reach this channel.",
                    List.of(new Notification.Fact("Channel", c.name()), new Notification.Fact("Kind",
                            c.kind().apiName()), new Notification.Fact("Sent by", p.keyName())), List.of(), null, now);
            DeliveryResult r = notifier.delivery().send(c, n, eventId + "/" + id).join();
            return HttpResponse.ok(new TestResult(r.deliveryId(), r.delivered(), r.outcome().name().toLowerCase(
                    java.util.Locale.ROOT), r.attempts(), r.status(), r.error()));
        }).orElseGet(() -> notFound("channel", id)));
    }

    private Optional<Channel> storedChannel(Principal p, String id) {
        return config.get(p.tenant(), AlertConfigStore.Type.CHANNEL, id, StoredChannel.class).map(s -> {
            try {
                return s.toChannel(p.tenant(), id, secrets);
            } catch (IllegalStateException e) {
                throw new ChannelUnreadableException(e.getMessage());
            }
        });
    }

    private Channel checkedChannel(String tenant, String id, ChannelRequest body, Channel old) {
        if (body == null) {
            throw new BadRequestException("body: a JSON object with name, kind and url");
        }
        String name = body.name() != null ? body.name().strip() : old != null ? old.name() : null;
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            throw new BadRequestException("name: required, at most " + MAX_NAME + " characters");
        }
        ChannelKind kind;
        try {
            kind = body.kind() != null ? ChannelKind.parse(body.kind()) : old != null ? old.kind() : null;
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("kind: " + e.getMessage());
        }
        if (kind == null) {
            throw new BadRequestException("kind: required: slack, teams, google-chat or webhook");
        }
        String url = body.url() != null ? body.url().strip() : old != null ? old.url() : null;
        if (url == null || url.isEmpty() || url.length() > MAX_URL) {
            throw new BadRequestException("url: required, at most " + MAX_URL + " characters");
        }
        OutboundPolicy.Decision d = policy.check(url);
        if (!d.allowed()) {
            throw new BadRequestException("url: " + d.reason());
        }
        String secret = body.secret() != null ? body.secret() : old != null ? old.secret() : null;
        if (secret != null && !secret.isEmpty() && kind != ChannelKind.WEBHOOK) {
            throw new BadRequestException("secret: only webhook channels sign their messages");
        }
        return new Channel(tenant, id, name, kind, url, secret, clock.instant());
    }

    /** A channel for the list; one that cannot be decrypted is listed (so it can be deleted) and says why. */
    private ChannelView view(String tenant, String id, StoredChannel s) {
        try {
            return ChannelView.of(s.toChannel(tenant, id, secrets));
        } catch (IllegalStateException e) {
            return new ChannelView(id, s.name(), s.kind(), "(" + e.getMessage() + ")", s.secret() != null,
                    s.updated() == null ? null : s.updated().toString());
        }
    }

    /** A stored channel this process cannot decrypt: 409 with the reason, never a 500. */
    static final class ChannelUnreadableException extends RuntimeException {
        ChannelUnreadableException(String message) {
            super(message, null, false, false);
        }
    }

    @io.micronaut.http.annotation.Error(exception = ChannelUnreadableException.class)
    HttpResponse<ApiError> unreadable(ChannelUnreadableException e) {
        return HttpResponse.<ApiError>status(HttpStatus.CONFLICT).body(new ApiError(e.getMessage()));
    }

    private void save(Channel c) {
        config.put(c.tenant(), AlertConfigStore.Type.CHANNEL, c.id(),
                StoredChannel.of(c, secrets));
    }

    // ---- budgets ----

    @Get("/budgets")
    @Tag(name = "alerts")
    @Operation(summary = "The tenant's budgets")
    List<Budget> budgets(@Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return config.list(p.tenant(), AlertConfigStore.Type.BUDGET, Budget.class).stream()
                .map(AlertConfigStore.Stored::value).toList();
    }

    /** A budget with its current period's spend. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record BudgetStatus(Budget budget, String periodStart, String periodEnd, java.math.BigDecimal spendUsd,
                        @Nullable java.math.BigDecimal forecastUsd, double usedFraction) {
    }

    @Get("/budgets/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "One budget and its spend so far this period, with the forecast to the period's end")
    HttpResponse<?> budget(@PathVariable String id,
                           @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return existing(p, AlertConfigStore.Type.BUDGET, id, Budget.class, b -> {
            BudgetEvaluator.Spend s = budgets.spend(p.tenant(), b, clock.instant(), new ScopedRollups.Memo());
            return HttpResponse.ok(new BudgetStatus(b, s.period().start().toString(), s.period().end().toString(),
                    s.actual(), s.forecast(), s.actual().divide(b.amountUsd(), java.math.MathContext.DECIMAL64)
                    .doubleValue()));
        });
    }

    @Post("/budgets")
    @Tag(name = "alerts")
    @Operation(summary = "Create a budget (admin)")
    HttpResponse<?> createBudget(@Nullable @Body String json,
                                 @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> {
            Budget b = parse(json, Budget.class).withIdentity(UUID.randomUUID().toString(), clock.instant());
            return HttpResponse.created(save(p, AlertConfigStore.Type.BUDGET, b.id(), b, b.channels()));
        });
    }

    @Put("/budgets/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "Replace a budget (admin); set mutedUntil to mute it")
    HttpResponse<?> updateBudget(@PathVariable String id, @Nullable @Body String json,
                                 @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> existing(p, AlertConfigStore.Type.BUDGET, id, Budget.class, old -> {
            Budget b = parse(json, Budget.class).withIdentity(id, clock.instant());
            return HttpResponse.ok(save(p, AlertConfigStore.Type.BUDGET, id, b, b.channels()));
        }));
    }

    @Delete("/budgets/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "Delete a budget (admin)")
    HttpResponse<?> deleteBudget(@PathVariable String id,
                                 @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return delete(p, AlertConfigStore.Type.BUDGET, id, Budget.class);
    }

    // ---- rules ----

    @Get("/rules")
    @Tag(name = "alerts")
    @Operation(summary = "The tenant's alert rules")
    List<Rule> rules(@Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return config.list(p.tenant(), AlertConfigStore.Type.RULE, Rule.class).stream()
                .map(AlertConfigStore.Stored::value).toList();
    }

    @Get("/rules/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "One alert rule")
    HttpResponse<?> rule(@PathVariable String id,
                         @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return existing(p, AlertConfigStore.Type.RULE, id, Rule.class, HttpResponse::ok);
    }

    @Post("/rules")
    @Tag(name = "alerts")
    @Operation(summary = "Create an alert rule (admin)", description = "type: error-rate, error-budget-burn,"
            + " cold-start-rate, p95-duration, runaway-cost or recursive-loop; see docs/alerts.md for each one's fields"
            + " and defaults.")
    HttpResponse<?> createRule(@Nullable @Body String json,
                               @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> {
            Rule r = parse(json, Rule.class).withIdentity(UUID.randomUUID().toString(), clock.instant());
            return HttpResponse.created(save(p, AlertConfigStore.Type.RULE, r.id(), r, r.channels()));
        });
    }

    @Put("/rules/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "Replace an alert rule (admin); set mutedUntil to mute it")
    HttpResponse<?> updateRule(@PathVariable String id, @Nullable @Body String json,
                               @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return admin(p).orElseGet(() -> existing(p, AlertConfigStore.Type.RULE, id, Rule.class, old -> {
            Rule r = parse(json, Rule.class).withIdentity(id, clock.instant());
            return HttpResponse.ok(save(p, AlertConfigStore.Type.RULE, id, r, r.channels()));
        }));
    }

    @Delete("/rules/{id}")
    @Tag(name = "alerts")
    @Operation(summary = "Delete an alert rule (admin)")
    HttpResponse<?> deleteRule(@PathVariable String id,
                               @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        return delete(p, AlertConfigStore.Type.RULE, id, Rule.class);
    }

    // ---- alerts ----

    /** Rule alerts firing now, and every event in the range, newest first, each with its delivery attempts. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Alerts(String from, String to, List<AlertEvent> firing, List<AlertEvent> events) {
    }

    @Get("/alerts")
    @Tag(name = "alerts")
    @Operation(summary = "Alerts: what fires now, and the history of firings and resolutions with every delivery"
            + " attempt", description = "Events newest first; at most fnscope.retention.alerts-days of range.")
    @io.swagger.v3.oas.annotations.Parameter(name = "from", in = ParameterIn.QUERY,
            schema = @Schema(type = "string"), description = "UTC epoch ms or ISO-8601; default: to - 7 days")
    @io.swagger.v3.oas.annotations.Parameter(name = "to", in = ParameterIn.QUERY,
            schema = @Schema(type = "string"), description = "UTC epoch ms or ISO-8601; default: now")
    @io.swagger.v3.oas.annotations.Parameter(name = "limit", in = ParameterIn.QUERY,
            schema = @Schema(type = "integer"), description = "events, 1 to 1000; default 100")
    HttpResponse<?> alerts(@Parameter(hidden = true) io.micronaut.http.HttpRequest<?> request,
                           @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal p) {
        Params params = Params.of(request.getParameters()).allowOnly(java.util.Set.of("from", "to", "limit"));
        TimeRange range = TimeRange.parse(params.get("from"), params.get("to"), clock.instant(), HISTORY_RANGE,
                Duration.ofDays(retention.alertsDays()), "fnscope.retention.alerts-days");
        int limit = params.integer("limit", 100, 1, MAX_EVENTS, "the most events per answer");
        // A rule deleted while it fired never resolves: it is not listed as firing (its events stay in the history).
        java.util.Set<String> rules = config.list(p.tenant(), AlertConfigStore.Type.RULE, Rule.class).stream()
                .map(AlertConfigStore.Stored::id).collect(java.util.stream.Collectors.toSet());
        List<AlertEvent> firing = history.firing(p.tenant()).stream().filter(e -> rules.contains(e.sourceId()))
                .toList();
        return HttpResponse.ok(new Alerts(range.from().toString(), range.to().toString(), firing,
                history.events(p.tenant(), range.from(), range.to(), limit)));
    }

    /**
     * The request body as {@code type}. Bodies are read here rather than bound by the framework so that a value the
     * record refuses (its constructor throws {@link BadRequestException} naming the field) reaches the client as
     * that message, and malformed JSON as a 400 that says so.
     */
    private <T> T parse(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw new BadRequestException("body: a JSON object is required");
        }
        try {
            return json.readValue(body, type);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BadRequestException b) {
                    throw b;
                }
            }
            throw new BadRequestException("body: not a valid " + type.getSimpleName().replaceAll("([a-z])([A-Z])",
                    "$1 $2").toLowerCase(java.util.Locale.ROOT) + " (" + firstLine(e.getMessage()) + ")");
        }
    }

    private static String firstLine(String s) {
        return s == null ? "malformed JSON" : s.lines().findFirst().orElse(s);
    }

    /** Stores a budget or rule once every channel it names is one of the tenant's. */
    private <T> T save(Principal p, AlertConfigStore.Type type, String id, T document, List<String> channels) {
        List<String> known = config.list(p.tenant(), AlertConfigStore.Type.CHANNEL, StoredChannel.class).stream()
                .map(AlertConfigStore.Stored::id).toList();
        for (String channel : channels) {
            if (!known.contains(channel)) {
                throw new BadRequestException("channels: no channel " + channel + " in this tenant");
            }
        }
        config.put(p.tenant(), type, id, document);
        return document;
    }

    /** {@code then} applied to the tenant's document of that type and id, or 404. */
    private <T> HttpResponse<?> existing(Principal p, AlertConfigStore.Type type, String id, Class<T> as,
                                         java.util.function.Function<T, HttpResponse<?>> then) {
        return config.get(p.tenant(), type, id, as).<HttpResponse<?>>map(then)
                .orElseGet(() -> notFound(type.sqlName(), id));
    }

    private HttpResponse<?> delete(Principal p, AlertConfigStore.Type type, String id, Class<?> as) {
        return admin(p).orElseGet(() -> existing(p, type, id, as, d -> {
            config.delete(p.tenant(), type, id);
            return HttpResponse.noContent();
        }));
    }

    private static Optional<HttpResponse<?>> admin(Principal p) {
        return p.role().grants(Role.ADMIN) ? Optional.empty() : Optional.of(HttpResponse.status(HttpStatus.FORBIDDEN)
                .body(new ApiError("this needs an admin token; " + p.keyName() + " is a " + p.role().name()
                        .toLowerCase(java.util.Locale.ROOT))));
    }

    private static HttpResponse<?> notFound(String what, String id) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(new ApiError("no " + what + " " + id));
    }
}
