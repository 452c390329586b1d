package io.fnscope.query.alerts;

import io.micronaut.context.ApplicationContext;

/** What the query package's integration tests may read of this package's beans. */
public final class AlertsTestAccess {
    private AlertsTestAccess() {
    }

    /** How many channels the context's start sealed again under the current key ({@link ChannelResealer}). */
    public static int resealed(ApplicationContext context) {
        return context.getBean(ChannelResealer.class).resealed();
    }
}
