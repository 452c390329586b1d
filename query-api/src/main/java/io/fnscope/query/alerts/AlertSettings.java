package io.fnscope.query.alerts;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.util.List;

/**
 * Alert evaluation and delivery ({@code fnscope.alerts.*}); every key is documented under "Alerts" in
 * docs/configuration.md.
 *
 * @param enabled            run the evaluator in this process (the API's alert endpoints exist with the query role
 *                           whatever this says)
 * @param interval           how often budgets and rules are evaluated; also the length of an evaluator's lease term
 * @param uiBaseUrl          the UI's address as users reach it ({@code https://fnscope.example.com}), for the link
 *                           in every notification; none when empty
 * @param cooldown           default shortest time between two firing notifications of one rule
 * @param forecastWindow     the recent spend a budget's forecast projects to the period's end (the burn rate)
 * @param forecastMinElapsed no forecast before this much of a period has passed (too little data to project)
 * @param loopSamples        most recent transactions per function on a queue cycle that a recursive-loop rule reads
 * @param deliveryTimeout    per attempt, connect to response
 * @param deliveryAttempts   attempts per notification and channel, the first included
 * @param deliveryBackoff    wait before the second attempt; doubles each time up to {@code deliveryMaxBackoff}
 * @param deliveryMaxBackoff longest wait between attempts
 * @param outboundAllow      hosts ({@code hooks.example.com}, {@code *.example.com}) and networks ({@code 10.0.0.0/8})
 *                           that channels may post to although internal; everything public is allowed (https only)
 * @param nodeId             this evaluator's name in lease and notification claims; a random one when empty
 * @param secretKey          AES-256 key (base64 of 32 bytes) that encrypts channel URLs and secrets in ClickHouse;
 *                           every query-api replica needs the same; none: stored unencrypted (start-up warns)
 * @param previousSecretKeys keys channels may still be sealed with after a rotation: they decrypt, never encrypt,
 *                           and start-up seals those channels again under {@code secretKey}
 */
@ConfigurationProperties("fnscope.alerts")
public record AlertSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "1m") @NotNull Duration interval,
        @Nullable String uiBaseUrl,
        @Bindable(defaultValue = "15m") @NotNull Duration cooldown,
        @Bindable(defaultValue = "6h") @NotNull Duration forecastWindow,
        @Bindable(defaultValue = "1h") @NotNull Duration forecastMinElapsed,
        @Bindable(defaultValue = "10") @Min(1) int loopSamples,
        @Bindable(defaultValue = "10s") @NotNull Duration deliveryTimeout,
        @Bindable(defaultValue = "4") @Min(1) int deliveryAttempts,
        @Bindable(defaultValue = "1s") @NotNull Duration deliveryBackoff,
        @Bindable(defaultValue = "30s") @NotNull Duration deliveryMaxBackoff,
        @Nullable List<String> outboundAllow,
        @Nullable String nodeId,
        @Nullable String secretKey,
        @Nullable List<String> previousSecretKeys) {

    public AlertSettings {
        secretKey = secretKey == null || secretKey.isBlank() ? null : secretKey;
        previousSecretKeys = previousSecretKeys == null ? List.of()
                : previousSecretKeys.stream().filter(k -> k != null && !k.isBlank()).toList();
        outboundAllow = outboundAllow == null ? List.of() : List.copyOf(outboundAllow);
        uiBaseUrl = uiBaseUrl == null || uiBaseUrl.isBlank() ? null : uiBaseUrl.replaceAll("/+$", "");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("fnscope.alerts.interval must be at least 1s: " + interval);
        }
    }
}
