package io.fnscope.writer;

import io.fnscope.pipeline.Signal;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's series as Prometheus scrapes them, against the table operators read (writer/RATIONALE.md, Metrics). */
class WriterMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final WriterMetrics metrics = new WriterMetrics(registry);
    private final TopicPartition tp = new TopicPartition("fnscope.traces", 0);

    @Test
    void everySeriesTheWriterExposesIsDocumentedAndEveryDocumentedOneIsExposed() throws IOException {
        exerciseEveryMeter();
        Set<String> scraped = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^(fnscope_writer_[a-z_]+?)(_bucket|_count|_sum|_max)?[{ ]").matcher(registry.scrape());
        while (m.find()) {
            scraped.add(m.group(1));
        }
        String rationale = Files.readString(Path.of("RATIONALE.md"));
        String table = rationale.substring(rationale.indexOf("## Metrics"), rationale.indexOf("## Defaults"));
        Set<String> documented = new TreeSet<>();
        Matcher d = Pattern.compile("`(fnscope_writer_[a-z_]+)[{`]").matcher(table);
        while (d.find()) {
            documented.add(d.group(1));
        }
        assertThat(documented).hasSizeGreaterThan(10);
        assertThat(scraped).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void aCommittedBatchCountsEachRecordUnderOneOutcome() {
        PartitionBatch b = new PartitionBatch(tp, Signal.TRACES);
        for (int i = 0; i < 4; i++) {
            b.add(new ConsumerRecord<>(tp.topic(), tp.partition(), i, new byte[0], new byte[0]), 0);
            b.describe(i, 1_000, 10 + i, "acme", null);
        }
        b.deadLettered(1);
        b.duplicate(2);
        metrics.committed(b, 1_250);
        assertThat(count("fnscope.writer.records", "written")).isEqualTo(2);
        assertThat(count("fnscope.writer.records", "dead_lettered")).isEqualTo(1);
        assertThat(count("fnscope.writer.records", "duplicate")).isEqualTo(1);
        assertThat(count("fnscope.writer.items", "written")).isEqualTo(10 + 13);
        assertThat(count("fnscope.writer.items", "dead_lettered")).isEqualTo(11);
        assertThat(count("fnscope.writer.items", "duplicate")).isEqualTo(12);
        // Freshness only for the records written: accepted at 1,000 ms, inserted at 1,250.
        assertThat(metrics.freshnessTimer().count()).isEqualTo(2);
        assertThat(metrics.freshnessTimer().max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(250);
    }

    private double count(String name, String outcome) {
        return registry.get(name).tag("signal", "traces").tag("outcome", outcome).counter().count();
    }

    private void exerciseEveryMeter() {
        PartitionBatch b = new PartitionBatch(tp, Signal.TRACES);
        b.add(new ConsumerRecord<>(tp.topic(), tp.partition(), 0, new byte[0], new byte[0]), 0);
        b.describe(0, 1_000, 3, "acme", null);
        b.add(new ConsumerRecord<>(tp.topic(), tp.partition(), 1, new byte[0], new byte[0]), 0);
        b.describe(1, 1_000, 3, "acme", null);
        b.deadLettered(1);
        metrics.committed(b, 1_200);
        metrics.deadLetter(DeadLetterReason.INSERT_REJECTED);
        metrics.inserted(Table.SPANS, 10, 1_000, 5_000_000);
        metrics.batchLookup(1_000_000);
        metrics.retry("clickhouse");
        metrics.flush("time");
        metrics.recordFallback(Table.SPANS);
        metrics.paused(true);
        metrics.lag(tp, 42);
    }
}
