package io.fnscope.collector;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of requests accepted from exporters and not yet acknowledged by Kafka. Bounded, so that a slow or absent
 * Kafka turns into 503 / UNAVAILABLE answers (which exporters retry) rather than a growing heap. The producer's
 * {@code buffer.memory} is set above this bound, so {@code send()} never waits for buffer space on a transport thread.
 */
final class InFlightBudget {
    private final long max;
    private final AtomicLong used = new AtomicLong();

    InFlightBudget(long max) {
        this.max = max;
    }

    /**
     * Takes {@code bytes} from the budget if they fit. A request larger than the whole budget still passes when
     * nothing else is in flight, so no valid request is refused forever.
     */
    boolean tryAcquire(long bytes) {
        while (true) {
            long u = used.get();
            if (u + bytes > max && u > 0) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long max() {
        return max;
    }

    boolean exhausted() {
        return used.get() >= max;
    }
}
