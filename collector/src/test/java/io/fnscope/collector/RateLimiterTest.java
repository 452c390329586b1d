package io.fnscope.collector;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {
    /** A clock the test moves by hand. */
    static final class StepClock extends Clock {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    }

    final StepClock clock = new StepClock();
    final RateLimiter limiter = new RateLimiter(new CollectorSettings.RateLimit(100, 2, Map.of("vip", 0L, "small", 10L)), clock);

    @Test
    void bucketHoldsBurstSecondsOfRateAndRefills() {
        assertThat(limiter.tryAcquire("acme", 150)).isNull();
        assertThat(limiter.tryAcquire("acme", 50)).isNull();
        assertThat(limiter.tryAcquire("acme", 30)).isEqualTo(Duration.ofMillis(300));
        clock.advance(Duration.ofMillis(300));
        assertThat(limiter.tryAcquire("acme", 30)).isNull();
    }

    @Test
    void requestLargerThanTheBucketPassesWhenFullThenWaitsOutItsDebt() {
        assertThat(limiter.tryAcquire("small", 50)).isNull(); // bucket of 20 goes to -30
        assertThat(limiter.tryAcquire("small", 1)).isEqualTo(Duration.ofMillis(3100));
        clock.advance(Duration.ofMillis(3100));
        assertThat(limiter.tryAcquire("small", 1)).isNull();
    }

    @Test
    void tenantsAreLimitedSeparatelyAndZeroExempts() {
        assertThat(limiter.tryAcquire("acme", 200)).isNull();
        assertThat(limiter.tryAcquire("acme", 1)).isNotNull();
        assertThat(limiter.tryAcquire("globex", 200)).isNull();
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire("vip", 10_000)).isNull();
        }
    }

    @Test
    void offByDefault() {
        RateLimiter off = new RateLimiter(CollectorSettings.RateLimit.DEFAULT, clock);
        assertThat(off.tryAcquire("acme", Integer.MAX_VALUE)).isNull();
    }
}
