package io.fnscope.collector;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-tenant token buckets on items per second ({@code fnscope.collector.rate-limit.*}). A bucket holds
 * {@code rate × burst-seconds} tokens and refills continuously. A request of n items passes when the bucket holds
 * at least {@code min(n, capacity)} tokens and then takes n, possibly going below zero: so a request larger than the
 * whole bucket still passes once the bucket is full, and the tenant then waits for the debt to refill. A refused
 * request is told how long until it would pass (Retry-After).
 */
final class RateLimiter {
    private final CollectorSettings.RateLimit settings;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(CollectorSettings.RateLimit settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Null when the items may pass (and are taken from the bucket); otherwise how long to wait. */
    Duration tryAcquire(String tenant, int items) {
        long rate = settings.rateOf(tenant);
        if (rate <= 0 || items <= 0) {
            return null;
        }
        Bucket b = buckets.computeIfAbsent(tenant, t -> new Bucket(rate * settings.burstSeconds(), clock.millis()));
        return b.take(items, rate, clock.millis());
    }

    long rateOf(String tenant) {
        return settings.rateOf(tenant);
    }

    private static final class Bucket {
        private final double capacity;
        private double tokens;
        private long lastMillis;

        Bucket(double capacity, long now) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.lastMillis = now;
        }

        synchronized Duration take(int items, long rate, long now) {
            if (now > lastMillis) {
                tokens = Math.min(capacity, tokens + (now - lastMillis) * rate / 1000.0);
                lastMillis = now;
            }
            double need = Math.min(items, capacity);
            if (tokens >= need) {
                tokens -= items;
                return null;
            }
            return Duration.ofMillis((long) Math.ceil((need - tokens) * 1000.0 / rate));
        }
    }
}
