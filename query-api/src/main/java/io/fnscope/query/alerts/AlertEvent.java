package io.fnscope.query.alerts;

import io.micronaut.core.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * One firing or resolution of an alert, as stored and as {@code /api/v1/alerts} shows it, with every attempt to
 * deliver it.
 *
 * @param eventId    the notification's claim key (unique)
 * @param alertKey   the alert: {@code rule:<id>}, or {@code budget:<id>:<period start>:<actual|forecast>:<percent>}
 * @param sourceType budget or rule
 * @param sourceId   the budget's or rule's id
 * @param state      firing or resolved
 * @param sequence   transitions of this alert so far, this one included
 * @param value      the measured value (spend in USD, a rate, ms...)
 * @param threshold  what it was compared with
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AlertEvent(String eventId, String alertKey, String sourceType, String sourceId, String state,
                         int sequence, Instant at, String severity, String title, String summary, double value,
                         double threshold, @Nullable List<DeliveryRecord> deliveries) {

    AlertEvent withDeliveries(List<DeliveryRecord> d) {
        return new AlertEvent(eventId, alertKey, sourceType, sourceId, state, sequence, at, severity, title, summary,
                value, threshold, d);
    }

    /** One delivery attempt of an event to a channel. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DeliveryRecord(String deliveryId, String channelId, String channelKind, int attempt,
                                 Instant started, long durationMs, int httpStatus, String outcome, String error) {
    }
}
