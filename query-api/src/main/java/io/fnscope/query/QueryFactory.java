package io.fnscope.query;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.cost.InvocationPricer;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Bean;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds the query API's plain classes from configuration; the endpoints translate HTTP to and from them. Nothing
 * here exists unless {@code fnscope.query.enabled}, so a collector-only or writer-only process has no API beans.
 */
@Factory
@Requires(property = "fnscope.query.enabled", notEquals = "false")
class QueryFactory {

    @Singleton
    QuerySql querySql(ClickHouse clickHouse, QuerySettings settings) {
        return new QuerySql(clickHouse, settings);
    }

    /**
     * Runs a request's independent statements at once. How many run in the engine at a time is the engine's bound
     * ({@code fnscope.clickhouse.embedded.connections}, or the server's HTTP pool), not this executor's. Platform
     * threads, not virtual ones: a statement in the embedded engine is a native call, which pins a virtual thread to
     * its carrier, and the JVM has as many carriers as cores, so two statements on a 2-core machine would stall every
     * other virtual thread of the process (trace by id through HTTP: p50 27 ms instead of 31 on 10M spans).
     */
    @Singleton
    @Named("query")
    @Bean(preDestroy = "close")
    ExecutorService queryExecutor() {
        return Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("fnscope-query-", 0).factory());
    }

    @Singleton
    TraceStore traceStore(QuerySql sql, QuerySettings settings, @Named("query") ExecutorService executor) {
        return new TraceStore(sql, settings, executor);
    }

    @Singleton
    TransactionStore transactionStore(TraceStore traces, QuerySql sql, QuerySettings settings) {
        return new TransactionStore(traces, sql, settings.transaction());
    }

    @Singleton
    FunctionStore functionStore(QuerySql sql, InvocationPricer pricer, QuerySettings settings) {
        return new FunctionStore(sql, pricer, settings.rightSizingHeadroom());
    }

    @Singleton
    CostStore costStore(QuerySql sql, FunctionStore functions, QuerySettings settings) {
        return new CostStore(sql, functions, settings);
    }

    @Singleton
    ServiceMapStore serviceMapStore(QuerySql sql, FunctionStore functions) {
        return new ServiceMapStore(sql, functions);
    }

    /** "Now" for default time ranges; a test replaces it to pin "the last hour". */
    @Singleton
    @Named("query")
    Clock queryClock() {
        return Clock.systemUTC();
    }
}
