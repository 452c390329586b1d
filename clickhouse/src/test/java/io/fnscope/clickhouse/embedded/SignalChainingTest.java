package io.fnscope.clickhouse.embedded;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignalChainingTest {

    @Test
    void libjsigIsFoundInTheProcessMaps() {
        String with = "7f00-7f01 r-xp 00000000 fd:01 123 /usr/lib/jvm/temurin-25-jdk-amd64/lib/libjsig.so\n"
                + "7f02-7f03 r-xp 00000000 fd:01 124 /usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so\n";
        String without = "7f02-7f03 r-xp 00000000 fd:01 124 /usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so\n";
        assertThat(SignalChaining.isPreloaded(with)).isTrue();
        assertThat(SignalChaining.isPreloaded(without)).isFalse();
    }
}
