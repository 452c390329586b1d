package io.fnscope.query.alerts;

import io.fnscope.query.alerts.channel.Notification;

import java.util.List;

/** Hands a notification to a tenant's channels; returns at once (delivery, with its retries, runs on its own). */
interface Notifier {
    void notify(String tenant, List<String> channelIds, Notification notification, String eventId);
}
