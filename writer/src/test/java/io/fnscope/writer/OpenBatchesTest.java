package io.fnscope.writer;

import io.fnscope.pipeline.Signal;
import io.fnscope.pipeline.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpenBatchesTest {
    private final Topics topics = new Topics("fnscope.");
    private final TopicPartition traces0 = new TopicPartition(topics.of(Signal.TRACES), 0);
    private final TopicPartition traces1 = new TopicPartition(topics.of(Signal.TRACES), 1);
    private final TopicPartition logs0 = new TopicPartition(topics.of(Signal.LOGS), 0);
    private final OpenBatches open = new OpenBatches(topics);

    @Test
    void oneBatchPerPartitionWithItsTopicsSignal() {
        PartitionBatch a = open.of(traces0);
        assertThat(open.of(traces0)).isSameAs(a);
        assertThat(a.signal).isEqualTo(Signal.TRACES);
        assertThat(open.of(logs0).signal).isEqualTo(Signal.LOGS);
        assertThat(open.all()).extracting(b -> b.partition).containsExactly(traces0, logs0);
    }

    @Test
    void aRecycledBatchServesItsPartitionsNextBatchEmpty() {
        PartitionBatch a = open.of(traces0);
        a.add(record(traces0, 7), 100);
        open.all().remove(a); // a flush takes it
        open.recycle(a);
        assertThat(open.isEmpty()).isTrue();
        PartitionBatch next = open.of(traces0);
        assertThat(next).isSameAs(a);
        assertThat(next.recordCount()).isZero();
    }

    @Test
    void aBatchRecycledWhileItsPartitionHasAnOpenOneIsNotReused() {
        PartitionBatch flushed = open.of(traces0);
        open.all().remove(flushed);
        PartitionBatch newer = open.of(traces0);
        open.recycle(flushed);
        assertThat(open.of(traces0)).isSameAs(newer);
        open.discard(traces0);
        assertThat(open.of(traces0)).isNotSameAs(flushed).isNotSameAs(newer);
    }

    @Test
    void aForgottenPartitionKeepsNoBatch() {
        PartitionBatch a = open.of(traces0);
        a.add(record(traces0, 1), 100);
        open.all().remove(a);
        open.recycle(a);
        PartitionBatch b = open.of(traces1);
        b.add(record(traces1, 2), 200);
        open.forget(traces0);
        open.forget(traces1);
        assertThat(open.isEmpty()).isTrue();
        assertThat(b.recordCount()).isZero();
        assertThat(open.of(traces0)).isNotSameAs(a);
    }

    @Test
    void theOldestBatchSkipsTheExcludedPartitions() {
        open.of(traces0).add(record(traces0, 1), 100);
        open.of(traces1).add(record(traces1, 1), 200);
        assertThat(open.oldestOpenedAt(tp -> false, 999)).isEqualTo(100);
        assertThat(open.oldestOpenedAt(traces0::equals, 999)).isEqualTo(200);
        assertThat(open.oldestOpenedAt(tp -> true, 999)).isEqualTo(999);
        open.discardAll();
        assertThat(open.isEmpty()).isTrue();
        assertThat(open.rows()).isZero();
        assertThat(open.bytes()).isZero();
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, new byte[0], new byte[0]);
    }
}
