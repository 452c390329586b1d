package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/**
 * The transaction labeller, in every process that writes (unlike the rest of the query API): it follows what the
 * writer stores. Off with {@code fnscope.transaction-labels.enabled=false}, and transactions are searched hop by hop.
 */
@Factory
@Requires(property = "fnscope.writer.enabled", notEquals = "false")
@Requires(property = "fnscope.transaction-labels.enabled", notEquals = "false")
class TransactionLabelsFactory {
    @Singleton
    @Bean(preDestroy = "close")
    TransactionLabeller transactionLabeller(ClickHouse clickHouse, MeterRegistry registry,
                                            @Value("${fnscope.transaction-labels.max-nodes:1000}") int maxNodes,
                                            @Value("${fnscope.transaction-labels.max-cached-nodes:200000}")
                                            int maxCached) {
        return new TransactionLabeller(clickHouse, maxNodes, maxCached, registry);
    }
}
