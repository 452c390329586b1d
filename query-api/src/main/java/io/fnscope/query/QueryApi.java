package io.fnscope.query;

import io.fnscope.ops.ApiError;
import io.fnscope.ops.ErrorBodies;
import io.fnscope.tenancy.Principal;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.server.exceptions.NotAllowedException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.inject.Named;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Set;

/**
 * The REST API, {@code /api/v1}: translates HTTP into the request records (which check themselves) and the stores'
 * calls, and their answers back; nothing else happens here (no service layer: the rules live in the request
 * records, the stores and the models). The tenant of every call is the caller's, from {@link ApiAuthFilter}.
 * Errors: {@link BadRequestException} → 400 ({@link BadRequestHandler}), ClickHouse failures → 503/500
 * ({@link StorageErrorHandler}), anything else → a logged 500 without internals ({@link #failed}).
 */
@Controller("/api/v1")
// Handlers wait on ClickHouse: never on an event loop. IO (platform threads), not BLOCKING (virtual in Micronaut 4):
// an embedded-engine statement is a native call that pins a virtual thread to its carrier (QueryFactory).
@ExecuteOn(TaskExecutors.IO)
@Requires(property = "fnscope.query.enabled", notEquals = "false")
class QueryApi {
    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);
    private static final Set<String> RANGE = Set.of("from", "to");

    private final TraceStore traces;
    private final TransactionStore transactions;
    private final FunctionStore functions;
    private final CostStore cost;
    private final ServiceMapStore serviceMap;
    private final QuerySettings settings;
    private final Clock clock;
    private final BadRequestHandler badRequest;
    private final StorageErrorHandler storageError;

    QueryApi(TraceStore traces, TransactionStore transactions, FunctionStore functions, CostStore cost,
             ServiceMapStore serviceMap, QuerySettings settings, @Named("query") Clock clock,
             BadRequestHandler badRequest, StorageErrorHandler storageError) {
        this.badRequest = badRequest;
        this.storageError = storageError;
        this.traces = traces;
        this.transactions = transactions;
        this.functions = functions;
        this.cost = cost;
        this.serviceMap = serviceMap;
        this.settings = settings;
        this.clock = clock;
    }

    @Get("/traces/{traceId}")
    @Tag(name = "traces")
    @Operation(summary = "One trace as a tree of spans",
            description = "Every span of the trace, as a tree, each invocation's root span annotated with the"
                    + " invocation (cold start, init duration, billed duration, cost), and the trace's span links in"
                    + " both directions. 404 when this tenant has no such trace.")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TraceView.class)))
    @ApiResponse(responseCode = "400", description = "malformed trace id",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "404", description = "no such trace",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    HttpResponse<?> trace(@Parameter(description = "32 hex digits, or an X-Ray trace id") @PathVariable String traceId,
                          @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal principal) {
        TraceId id = TraceId.parse("traceId", traceId);
        return traces.trace(principal.tenant(), id)
                .<HttpResponse<?>>map(HttpResponse::ok)
                .orElseGet(() -> HttpResponse.status(HttpStatus.NOT_FOUND)
                        .body(new ApiError("trace " + id + " not found")));
    }

    @Get("/traces")
    @Tag(name = "traces")
    @Operation(summary = "Search traces",
            description = "Traces with at least one span in [from, to) that matches every given filter (one span"
                    + " must match all of them), newest first by that span's start. Attribute filters (up to 16):"
                    + " attr.<key>=<value> matches the span's own attribute (indexed), resource.<key>=<value> its"
                    + " resource's (service.name, cloud.region, deployment.environment...; not indexed: it scans the"
                    + " window). Unknown parameters are refused (400).")
    @Parameter(name = "from", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: to - 1h")
    @Parameter(name = "to", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: now")
    @Parameter(name = "service", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "span's service.name")
    @Parameter(name = "function", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "span's function (faas.name)")
    @Parameter(name = "name", in = ParameterIn.QUERY, schema = @Schema(type = "string"), description = "span name")
    @Parameter(name = "minDuration", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "span duration at least: 250ms, 1.5s, 2m; a bare number is ms")
    @Parameter(name = "maxDuration", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "span duration at most")
    @Parameter(name = "error", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "true: span status error; false: not error")
    @Parameter(name = "attr.<key>", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "the span's attribute equals the value, e.g. attr.http.route=/checkout")
    @Parameter(name = "resource.<key>", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "the span's resource attribute equals the value, e.g. resource.deployment.environment=prod")
    @Parameter(name = "limit", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "traces per page (default 20, at most fnscope.query.max-limit)")
    @Parameter(name = "cursor", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "nextCursor of the previous page")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TraceSummary.Page.class)))
    @ApiResponse(responseCode = "400", description = "a parameter is malformed or out of bounds",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    TraceSummary.Page search(@Parameter(hidden = true) HttpRequest<?> request,
                             @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal principal) {
        TraceQuery q = TraceQuery.parse(Params.of(request.getParameters()), clock.instant(), settings);
        return traces.search(principal.tenant(), q);
    }

    @Get("/transactions/{traceId}")
    @Tag(name = "transactions")
    @Operation(summary = "The business transaction containing a trace",
            description = "Every trace connected to this one through span links or messaging hops (SQS, SNS,"
                    + " EventBridge, Kinesis, Kafka, Pub/Sub, Service Bus: producer span to consumer span, via links,"
                    + " parent context or the same messaging.message.id), in both directions, bounded by"
                    + " fnscope.query.transaction.* (depth, traces, window, spans) with explicit truncation flags."
                    + " The invocations as a DAG with each hop's queue or bus and wait time, the critical path,"
                    + " cold starts and their added latency, end-to-end duration, the error origin and the total"
                    + " cost.")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TransactionView.class)))
    @ApiResponse(responseCode = "400", description = "malformed trace id",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "404", description = "no such trace",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    HttpResponse<?> transaction(@Parameter(description = "any trace of the transaction") @PathVariable String traceId,
                                @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal principal) {
        TraceId id = TraceId.parse("traceId", traceId);
        return transactions.transaction(principal.tenant(), id)
                .<HttpResponse<?>>map(HttpResponse::ok)
                .orElseGet(() -> HttpResponse.status(HttpStatus.NOT_FOUND)
                        .body(new ApiError("trace " + id + " not found")));
    }

    @Get("/functions")
    @Tag(name = "functions")
    @Operation(summary = "Every function's invocations, errors, cold starts, latency, memory and cost",
            description = "From the per-minute roll-up (minute resolution: from is rounded down to the minute)."
                    + " Right-sizing: for AWS Lambda functions, a memory size that fits the highest memory used plus"
                    + " fnscope.query.right-sizing-headroom, with its dollar effect over the range.")
    @Parameter(name = "from", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: to - 1h")
    @Parameter(name = "to", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: now")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = FunctionView.Page.class)))
    @ApiResponse(responseCode = "400", content = @Content(schema = @Schema(implementation = ApiError.class)))
    FunctionView.Page functions(@Parameter(hidden = true) HttpRequest<?> request,
                                @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal principal) {
        Params p = Params.of(request.getParameters()).allowOnly(RANGE);
        TimeRange range = TimeRange.parse(p.get("from"), p.get("to"), clock.instant(), settings.defaultRange(),
                settings.maxRange(), "fnscope.query.max-range");
        return functions.functions(principal.tenant(), range);
    }

    @Get("/functions/{name}/timeseries")
    @Tag(name = "functions")
    @Operation(summary = "One function's measures per time bucket",
            description = "The functions view's measures per bucket of step (whole minutes: 1m, 5m, 1h, PT15M;"
                    + " default: the smallest that gives at most 60 buckets), at most fnscope.query.max-points"
                    + " buckets. Buckets without invocations are zeros.")
    @Parameter(name = "from", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: to - 1h")
    @Parameter(name = "to", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: now")
    @Parameter(name = "step", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "bucket length, whole minutes: 1m, 5m, 1h, PT15M")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = FunctionView.Series.class)))
    @ApiResponse(responseCode = "400", content = @Content(schema = @Schema(implementation = ApiError.class)))
    FunctionView.Series timeseries(@Parameter(description = "function name (faas.name)") @PathVariable String name,
                                   @Parameter(hidden = true) HttpRequest<?> request,
                                   @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal principal) {
        TimeseriesQuery q = TimeseriesQuery.parse(name, Params.of(request.getParameters()), clock.instant(), settings);
        return functions.timeseries(principal.tenant(), q.function(), q.range(), q.stepSeconds());
    }

    @Get("/cost")
    @Tag(name = "cost")
    @Operation(summary = "Cost breakdown, and cost per request of entry points",
            description = "groupBy=function|service (per-minute roll-up), trigger (invocation rows) or route: per"
                    + " entry point (the root server span's method and route, else its function), the requests"
                    + " (entry traces starting in [from, to)), their own cost, their share of the downstream traces"
                    + " they set off through span links and messaging (within fnscope.query.transaction.window after"
                    + " the range; a trace reached from several requests is split evenly), and cost per request."
                    + " docs/api.md has the exact definition.")
    @Parameter(name = "groupBy", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "function (default), service, trigger or route")
    @Parameter(name = "from", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: to - 1h")
    @Parameter(name = "to", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: now")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = CostView.class)))
    @ApiResponse(responseCode = "400", content = @Content(schema = @Schema(implementation = ApiError.class)))
    CostView cost(@Parameter(hidden = true) HttpRequest<?> request,
                  @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal principal) {
        CostQuery q = CostQuery.parse(Params.of(request.getParameters()), clock.instant(), settings);
        return cost.cost(principal.tenant(), q);
    }

    @Get("/service-map")
    @Tag(name = "service map")
    @Operation(summary = "The service map",
            description = "Nodes (functions, services, queues and buses, databases, external hosts) and edges with"
                    + " calls, errors and latency, from the per-minute roll-ups; function nodes carry the functions"
                    + " view's invocations, errors, cold starts, latency and cost.")
    @Parameter(name = "from", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: to - 1h")
    @Parameter(name = "to", in = ParameterIn.QUERY, schema = @Schema(type = "string"),
            description = "UTC epoch ms or ISO-8601; default: now")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ServiceMapView.class)))
    @ApiResponse(responseCode = "400", content = @Content(schema = @Schema(implementation = ApiError.class)))
    ServiceMapView map(@Parameter(hidden = true) HttpRequest<?> request,
                       @Parameter(hidden = true) @RequestAttribute(ApiAuthFilter.PRINCIPAL) Principal principal) {
        Params p = Params.of(request.getParameters()).allowOnly(RANGE);
        TimeRange range = TimeRange.parse(p.get("from"), p.get("to"), clock.instant(), settings.defaultRange(),
                settings.maxRange(), "fnscope.query.max-range");
        return serviceMap.map(principal.tenant(), range);
    }

    /**
     * This controller's errors: the two kinds with their own handler go to it (a local handler takes precedence over
     * the global ones, so it must pass them on); anything unexpected is logged and answered 500 without internals.
     */
    @Error
    HttpResponse<ApiError> failed(HttpRequest<?> request, Throwable e) {
        if (e instanceof BadRequestException b) {
            return badRequest.handle(request, b);
        }
        if (e instanceof io.fnscope.clickhouse.ClickHouseException c) {
            return storageError.handle(request, c);
        }
        if (e instanceof QueryBusyException busy) {
            LOG.debug("{} {}: {}", request.getMethod(), request.getPath(), busy.getMessage());
            return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "2")
                    .body(new ApiError(busy.getMessage()));
        }
        if (e instanceof HttpStatusException refused && refused.getStatus().getCode() < 500) {
            // Refused by Micronaut before the method ran (a POST on a GET endpoint: 405 with Allow): not a bug.
            MutableHttpResponse<ApiError> r = HttpResponse.<ApiError>status(refused.getStatus())
                    .body(new ApiError(refused.getMessage()));
            return refused instanceof NotAllowedException n
                    ? r.header(HttpHeaders.ALLOW, ErrorBodies.allow(n)) : r;
        }
        LOG.error("{} {} failed", request.getMethod(), request.getPath(), e);
        return HttpResponse.<ApiError>status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(new ApiError("internal error (logged); retry later or report it"));
    }
}
