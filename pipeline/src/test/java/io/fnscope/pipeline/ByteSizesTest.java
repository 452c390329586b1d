package io.fnscope.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteSizesTest {
    @Test
    void binaryUnitsWithOneDecimal() {
        assertThat(ByteSizes.readable(0)).isEqualTo("0 B");
        assertThat(ByteSizes.readable(1023)).isEqualTo("1023 B");
        assertThat(ByteSizes.readable(1024)).isEqualTo("1.0 KiB");
        assertThat(ByteSizes.readable(512L * 1024 * 1024)).isEqualTo("512.0 MiB");
        assertThat(ByteSizes.readable(1536L * 1024 * 1024)).isEqualTo("1.5 GiB");
        assertThat(ByteSizes.readable(Long.MAX_VALUE)).isEqualTo("8192.0 PiB");
    }
}
