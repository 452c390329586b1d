package io.fnscope.writer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** max-batch-bytes fitted to the heap, so that a backlog cannot run the writer out of memory. */
class WriterSettingsTest {
    static final long MB = 1L << 20;

    @Test
    void theDefaultFitsTheAllInOnesDefaultHeap() {
        WriterSettings defaults = WriterSettings.defaults();
        assertThat(defaults.fittedToHeap(2048 * MB)).isSameAs(defaults);
        assertThat(WriterFactory.fitted(defaults, 2048 * MB).maxBatchBytes()).isEqualTo(64 * MB);
    }

    @Test
    void aBatchLimitTooLargeForTheHeapIsLoweredToWhatItHolds() {
        // 256 MB ran a 3 GB heap out of memory in the writer benchmark; 3 GB / 16 = 192 MB.
        WriterSettings large = WriterSettings.defaults().withFlush(java.time.Duration.ofMillis(500), 500_000, 256 * MB);
        WriterSettings fitted = WriterFactory.fitted(large, 3072 * MB);
        assertThat(fitted.maxBatchBytes()).isEqualTo(192 * MB);
        assertThat(fitted.maxBatchRows()).isEqualTo(500_000); // the rest is kept
        assertThat(fitted.flushInterval()).isEqualTo(large.flushInterval());
        // A small container: 384 MB of heap gives 24 MB batches; a tiny one still gets 1 MB.
        assertThat(WriterSettings.defaults().fittedToHeap(384 * MB).maxBatchBytes()).isEqualTo(24 * MB);
        assertThat(WriterSettings.defaults().fittedToHeap(4 * MB).maxBatchBytes()).isEqualTo(MB);
    }
}
