package io.fnscope.writer;

import io.fnscope.clickhouse.ClickHouse;
import io.fnscope.clickhouse.Migrations;
import io.fnscope.clickhouse.RetentionSettings;
import io.fnscope.clickhouse.SharedClickHouse;
import io.fnscope.clickhouse.TelemetrySchema;
import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.BeanInstantiationException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.fnscope.writer.TestObjects.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writer as Micronaut builds it from configuration: starts with the context, writes, reports, stops with it. */
class ITWriterFactory {

    static Map<String, Object> properties(String prefix, String database) {
        Map<String, Object> p = new HashMap<>();
        p.put("fnscope.collector.enabled", false);
        p.put("fnscope.query.enabled", false);
        p.put("fnscope.writer.enabled", true);
        p.put("fnscope.writer.group-id", "writer-" + UUID.randomUUID());
        p.put("fnscope.writer.flush-interval", "200ms");
        p.put("fnscope.kafka.embedded.enabled", false);
        p.put("fnscope.kafka.bootstrap-servers", TestKafka.shared().bootstrapServers());
        p.put("fnscope.kafka.topic-prefix", prefix);
        p.put("fnscope.kafka.partitions", 2);
        p.put("fnscope.clickhouse.embedded.data-dir", SharedClickHouse.dataDir().toString());
        p.put("fnscope.clickhouse.database", database);
        return p;
    }

    @Test
    void theWriterStartsWithTheContextWritesAndStopsWithIt() throws Exception {
        SharedClickHouse.engine();
        String prefix = "f" + UUID.randomUUID().toString().substring(0, 8) + ".";
        String database = SharedClickHouse.uniqueName("factory");
        Map<String, Object> p = properties(prefix, database);
        p.put("fnscope.retention.spans-days", 14);
        try (ApplicationContext ctx = ApplicationContext.run(p)) {
            ClickHouse ch = ctx.getBean(ClickHouse.class);
            WriterRunner runner = ctx.getBean(WriterRunner.class);
            // Retention from configuration is on the tables.
            assertThat(ch.query("SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'spans'",
                    Map.of("db", database), r -> r.getString("engine_full")).getFirst()).contains("toIntervalDay(14)");

            Topics topics = new Topics(prefix);
            Map<String, Object> pp = new HashMap<>();
            pp.put("bootstrap.servers", TestKafka.shared().bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(record(topics.of(Signal.TRACES), "acme", Signal.TRACES,
                        ITWriter.lambdaTrace("orders", "req-1", T0_NANOS).toByteArray(), 3)).get();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count(ch, database, "spans") < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(count(ch, database, "spans")).isEqualTo(3);
            // What /metrics shows once the batch is committed.
            PrometheusMeterRegistry prometheus = ctx.getBean(PrometheusMeterRegistry.class);
            while (!prometheus.scrape().contains("fnscope_writer_records_total") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String scrape = prometheus.scrape();
            assertThat(scrape).contains("fnscope_writer_rows_total{table=\"spans\"} 3.0")
                    .contains("fnscope_writer_records_total{outcome=\"written\",signal=\"traces\"} 1.0")
                    .contains("fnscope_writer_freshness_seconds_count 1")
                    .contains("fnscope_writer_lag_records{partition=\"0\",topic=\"" + prefix + "traces\"}");
            ctx.stop();
            assertThat(runner.writer().isStopped()).isTrue();
        }
    }

    @Test
    void aTableThatDoesNotMatchTheEncodersStopsStartUpWithTheFix() {
        String database = SharedClickHouse.uniqueName("mismatch");
        try (ClickHouse ch = SharedClickHouse.newDatabase("mismatch", io.fnscope.clickhouse.ClickHouseDefaults.of(database))) {
            new Migrations(ch, List.of(TelemetrySchema.migrations(RetentionSettings.defaults(), 1000))).apply();
            ch.execute("ALTER TABLE " + database + ".logs ADD COLUMN severity_group LowCardinality(String)");
        }
        String prefix = "m" + UUID.randomUUID().toString().substring(0, 8) + ".";
        assertThatThrownBy(() -> ApplicationContext.run(properties(prefix, database)).close())
                .isInstanceOf(BeanInstantiationException.class)
                .rootCause()
                .hasMessage("The ClickHouse tables do not match what this writer writes: logs: column 16 severity_group "
                        + "LowCardinality(String) is not written by this writer. The schema must come from the same fnscope "
                        + "version as the writer: let it apply its migrations (fnscope.clickhouse.migrate=true), or apply "
                        + "io/fnscope/clickhouse/schema/01xx_*.sql of this version, before starting the writer.");
    }

    static long count(ClickHouse ch, String database, String table) {
        return ch.query("SELECT count() AS n FROM " + database + "." + table, r -> r.getLong("n")).getFirst();
    }
}
