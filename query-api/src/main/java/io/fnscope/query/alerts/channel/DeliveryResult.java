package io.fnscope.query.alerts.channel;

import java.util.Objects;

/**
 * How a delivery ended: the same facts as its last {@link DeliveryAttempt}, for the caller that awaits
 * {@link Delivery#send}.
 *
 * @param deliveryId the delivery's id ({@code X-Fnscope-Delivery})
 * @param channelId  the channel it went to
 * @param outcome    DELIVERED, FAILED or REFUSED_BY_POLICY (never RETRYING)
 * @param attempts   attempts logged; a refusal by the policy counts as one, although nothing was sent
 * @param status     HTTP status of the last response, 0 when there was none
 * @param error      why it failed, or null when delivered; free of URL and secret
 */
public record DeliveryResult(String deliveryId, String channelId, DeliveryAttempt.Outcome outcome, int attempts,
                             int status, String error) {

    public DeliveryResult {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(outcome, "outcome");
    }

    public boolean delivered() {
        return outcome == DeliveryAttempt.Outcome.DELIVERED;
    }
}
