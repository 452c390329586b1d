package io.fnscope.pipeline.kafka;

import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;

/** Kafka is needed by a process that runs the collector or the writer; a query-API-only process never touches it. */
public final class KafkaNeeded implements Condition {
    @Override
    public boolean matches(ConditionContext context) {
        var env = context.getBeanContext().getBean(io.micronaut.context.env.Environment.class);
        return env.getProperty("fnscope.collector.enabled", Boolean.class, true)
                || env.getProperty("fnscope.writer.enabled", Boolean.class, true);
    }
}
