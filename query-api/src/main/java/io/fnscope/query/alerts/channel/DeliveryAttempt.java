package io.fnscope.query.alerts.channel;

import java.time.Instant;
import java.util.Objects;

/**
 * One attempt to post one notification to one channel, as {@link DeliveryLog} records it. Every attempt is one
 * record, the last of a delivery carries its final outcome, so "attempts with outcome RETRYING" + "records with a
 * final outcome" = attempts made. The error names the target by {@link Channel#maskedUrl()} at most: never the URL,
 * its path or query, nor the secret.
 *
 * @param tenant     the notification's tenant
 * @param deliveryId one id for all attempts of a delivery, sent as {@code X-Fnscope-Delivery}
 * @param alertKey   the notification's alert key
 * @param channelId  the channel's id
 * @param kind       the channel's kind
 * @param attempt    1 for the first attempt
 * @param started    when the attempt started
 * @param durationMs how long it took, up to the response headers or the error
 * @param status     HTTP status of the response, 0 when there was none (timeout, connection error, refused)
 * @param outcome    what this attempt means for the delivery
 * @param error      why it failed, or null when delivered
 */
public record DeliveryAttempt(String tenant, String deliveryId, String alertKey, String channelId, ChannelKind kind,
                              int attempt, Instant started, long durationMs, int status, Outcome outcome,
                              String error) {

    public enum Outcome {
        /** The receiver answered 2xx; final. */
        DELIVERED,
        /** This attempt failed in a way worth retrying, and another attempt follows after a wait. */
        RETRYING,
        /** Failed, and no attempt follows (permanent error, or the last attempt); final. */
        FAILED,
        /** The URL is not allowed by the {@link OutboundPolicy}; nothing was sent; final. */
        REFUSED_BY_POLICY;

        public boolean isFinal() {
            return this != RETRYING;
        }
    }

    public DeliveryAttempt {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(outcome, "outcome");
    }
}
