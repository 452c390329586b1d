package io.fnscope.query.alerts.channel;

import java.time.Duration;
import java.util.List;

/**
 * How hard {@link Delivery} tries. With the defaults a notification to a dead channel is given up after 4 attempts
 * and about 1 + 2 + 4 = 7 s of waiting (plus up to 4 × 10 s of timeouts), short enough that the next evaluation's
 * notification is not queued behind it for long, long enough to ride out a receiver's restart.
 *
 * @param timeout        per attempt: connect, send, and wait for the response (default 10 s)
 * @param maxAttempts    attempts per notification and channel, the first included (default 4)
 * @param initialBackoff wait after the first failed attempt; doubled after each further one (default 1 s)
 * @param maxBackoff     longest wait between attempts, also the cap on a receiver's {@code Retry-After}
 *                       (default 30 s)
 * @param allow          outbound allow-list ({@link OutboundPolicy}): host names, {@code *.suffix}, addresses, CIDRs
 *                       that may be internal or plain http (default none)
 */
public record DeliverySettings(Duration timeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                               List<String> allow) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    /** Null durations and a non-positive attempt count take the defaults; a null allow-list is empty. */
    public DeliverySettings {
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        maxAttempts = maxAttempts <= 0 ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
        initialBackoff = initialBackoff == null ? DEFAULT_INITIAL_BACKOFF : initialBackoff;
        maxBackoff = maxBackoff == null ? DEFAULT_MAX_BACKOFF : maxBackoff;
        allow = allow == null ? List.of() : List.copyOf(allow);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("delivery timeout must be positive, was " + timeout);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("delivery backoff must not be negative");
        }
        if (initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException("delivery initial backoff (" + initialBackoff
                    + ") must not exceed the max backoff (" + maxBackoff + ")");
        }
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings(DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF,
                DEFAULT_MAX_BACKOFF, List.of());
    }

    /** These settings with another allow-list. */
    public DeliverySettings withAllow(List<String> entries) {
        return new DeliverySettings(timeout, maxAttempts, initialBackoff, maxBackoff, entries);
    }
}
