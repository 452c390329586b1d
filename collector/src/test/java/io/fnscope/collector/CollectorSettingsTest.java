package io.fnscope.collector;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CollectorSettingsTest {

    @Test
    void documentedDefaultsAreWhatMicronautBinds() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("fnscope.collector.enabled", false,
                "fnscope.writer.enabled", false, "fnscope.kafka.embedded.enabled", false))) {
            assertThat(ctx.getBean(CollectorSettings.class)).usingRecursiveComparison().ignoringFields("enabled")
                    .isEqualTo(CollectorSettings.defaults());
        }
    }

    @Test
    void nestedKeysBind() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("fnscope.collector.enabled", false,
                "fnscope.writer.enabled", false, "fnscope.kafka.embedded.enabled", false,
                "fnscope.collector.kafka.compression", "zstd",
                "fnscope.collector.kafka.linger", "20ms",
                "fnscope.collector.kafka.producer.acks", "1",
                "fnscope.collector.rate-limit.items-per-second", 500,
                "fnscope.collector.rate-limit.tenants.acme", 50))) {
            CollectorSettings s = ctx.getBean(CollectorSettings.class);
            assertThat(s.kafka().compression()).isEqualTo("zstd");
            assertThat(s.kafka().linger()).isEqualTo(Duration.ofMillis(20));
            assertThat(s.kafka().deliveryTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(s.kafka().producer()).containsEntry("acks", "1");
            assertThat(s.rateLimit().rateOf("acme")).isEqualTo(50);
            assertThat(s.rateLimit().rateOf("globex")).isEqualTo(500);
            assertThat(s.rateLimit().burstSeconds()).isEqualTo(2);
        }
    }

    @Test
    void aNegativeMaxTimeAheadIsRefusedAtStartWithTheKey() {
        assertThatThrownBy(() -> ApplicationContext.run(Map.of("fnscope.collector.enabled", false,
                "fnscope.writer.enabled", false, "fnscope.kafka.embedded.enabled", false,
                "fnscope.collector.max-time-ahead", "-1h")).getBean(CollectorSettings.class))
                .hasStackTraceContaining("fnscope.collector.max-time-ahead must not be negative, got PT-1H (0 accepts any time)");
    }
}
