package io.fnscope.query.alerts;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.query.FunctionStore;
import io.fnscope.query.TransactionStore;
import io.fnscope.query.alerts.channel.DeliverySettings;
import io.fnscope.query.alerts.channel.OutboundPolicy;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.util.UUID;

/**
 * Wires alerting from plain classes: configuration and history stores, the evaluators, delivery, and (with
 * {@code fnscope.alerts.enabled}) the scheduler that runs a round every interval. Only in a process with the query
 * role, like the rest of the API.
 */
@Factory
@Requires(property = "fnscope.query.enabled", notEquals = "false")
class AlertsFactory {

    @Singleton
    OutboundPolicy outboundPolicy(AlertSettings settings) {
        return new OutboundPolicy(settings.outboundAllow());
    }

    @Singleton
    AlertMetrics alertMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        return new AlertMetrics(registry);
    }

    @Singleton
    SecretBox secretBox(AlertSettings settings) {
        SecretBox box = new SecretBox(settings.secretKey(), settings.previousSecretKeys());
        if (!box.enabled()) {
            LoggerFactory.getLogger(AlertsFactory.class).warn("Alert channel URLs and secrets are stored unencrypted"
                    + " in ClickHouse; set fnscope.alerts.secret-key (openssl rand -base64 32) to encrypt them");
        }
        return box;
    }

    @Singleton
    AlertConfigStore alertConfigStore(ClickHouse clickHouse, JsonMapper json) {
        return new AlertConfigStore(clickHouse, json);
    }

    /** Finishes a key rotation at start-up: see {@link ChannelResealer}. */
    @Context
    ChannelResealer channelResealer(AlertConfigStore config, SecretBox secrets) {
        ChannelResealer resealer = new ChannelResealer(config, secrets);
        resealer.run();
        return resealer;
    }

    @Singleton
    AlertHistory alertHistory(ClickHouse clickHouse, Claims claims) {
        return new AlertHistory(clickHouse, claims.node());
    }

    @Singleton
    Claims claims(ClickHouse clickHouse, AlertSettings settings) {
        return new Claims(clickHouse, nodeId(settings));
    }

    @Singleton
    ScopedRollups scopedRollups(FunctionStore functions, ClickHouse clickHouse) {
        return new ScopedRollups(functions, clickHouse);
    }

    @Singleton
    BudgetEvaluator budgetEvaluator(ScopedRollups rollups, AlertSettings settings) {
        return new BudgetEvaluator(rollups, settings.forecastWindow(), settings.forecastMinElapsed());
    }

    @Singleton
    RuleEvaluator ruleEvaluator(ScopedRollups rollups, ClickHouse clickHouse, TransactionStore transactions,
                                AlertSettings settings) {
        return new RuleEvaluator(rollups, new LoopDetector(clickHouse, transactions, settings.loopSamples()));
    }

    @Singleton
    @Bean(preDestroy = "close")
    ChannelNotifier channelNotifier(AlertConfigStore config, AlertHistory history, SecretBox secrets,
                                    AlertSettings settings, OutboundPolicy policy, AlertMetrics metrics) {
        return new ChannelNotifier(config, history, secrets, new DeliverySettings(settings.deliveryTimeout(),
                settings.deliveryAttempts(), settings.deliveryBackoff(), settings.deliveryMaxBackoff(),
                settings.outboundAllow()), policy, metrics);
    }

    @Singleton
    Evaluator evaluator(AlertConfigStore config, AlertHistory history, Claims claims, BudgetEvaluator budgets,
                        RuleEvaluator rules, ChannelNotifier notifier, AlertSettings settings,
                        @Named("query") Clock clock, AlertMetrics metrics) {
        return new Evaluator(config, history, claims, budgets, rules, notifier, settings, clock, metrics);
    }

    @Context
    @Requires(property = "fnscope.alerts.enabled", notEquals = "false")
    @Bean(preDestroy = "close")
    AlertScheduler alertScheduler(Evaluator evaluator, AlertSettings settings) {
        return AlertScheduler.start(evaluator, settings.interval());
    }

    private static String nodeId(AlertSettings settings) {
        if (settings.nodeId() != null && !settings.nodeId().isBlank()) {
            return settings.nodeId();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
