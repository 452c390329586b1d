package io.fnscope.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

/**
 * Prometheus text exposition at {@code /metrics}, the path every fnscope process serves (Micronaut's own
 * {@code /prometheus} and JSON {@code /metrics} endpoints are switched off in application.yml).
 */
@Controller("/metrics")
public class PrometheusController {
    private final PrometheusMeterRegistry registry;

    public PrometheusController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String scrape() {
        return registry.scrape();
    }
}
