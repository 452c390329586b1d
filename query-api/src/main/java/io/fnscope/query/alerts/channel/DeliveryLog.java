package io.fnscope.query.alerts.channel;

/**
 * Where {@link Delivery} reports every attempt, so that "did the alert reach Slack?" has an answer (a table of
 * attempts for the API, a counter, a test's list). Called on the delivering virtual thread, once per attempt, in
 * attempt order for one delivery; deliveries to different channels call it concurrently. An implementation must
 * not throw (what it throws is dropped so a broken log cannot stop a delivery) and should not block for long.
 */
@FunctionalInterface
public interface DeliveryLog {

    /** Discards attempts. */
    DeliveryLog NONE = a -> { };

    void attempt(DeliveryAttempt a);
}
