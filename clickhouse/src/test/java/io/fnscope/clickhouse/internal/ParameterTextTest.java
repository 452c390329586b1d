package io.fnscope.clickhouse.internal;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The text both transports send for a parameter (the engine tests check ClickHouse reads it back unchanged). */
class ParameterTextTest {

    @Test
    void topLevelStringsAreTsvEscapedAndQuotesAreLeftAlone() {
        assertThat(ParameterText.format("it's")).isEqualTo("it's");
        assertThat(ParameterText.format("a\\b\tc\nd\re\0f")).isEqualTo("a\\\\b\\tc\\nd\\re\\0f");
        assertThat(ParameterText.format("\\N")).isEqualTo("\\\\N");
        assertThat(ParameterText.format("plain")).isSameAs("plain");
    }

    @Test
    void nullIsTheTsvNullMarker() {
        assertThat(ParameterText.format(null)).isEqualTo("\\N");
    }

    @Test
    void scalars() {
        assertThat(ParameterText.format(true)).isEqualTo("true");
        assertThat(ParameterText.format(-5)).isEqualTo("-5");
        assertThat(ParameterText.format(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
        assertThat(ParameterText.format(1.0e-7)).isEqualTo("0.00000010");
        assertThat(ParameterText.format(1.5e20)).isEqualTo("150000000000000000000");
        assertThat(ParameterText.format(Double.NaN)).isEqualTo("nan");
        assertThat(ParameterText.format(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(ParameterText.format(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(ParameterText.format(LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
        assertThat(ParameterText.format(LocalDateTime.of(2024, 2, 29, 1, 2, 3, 4))).isEqualTo("2024-02-29 01:02:03.000000004");
        assertThat(ParameterText.format(UUID.fromString("00000000-0000-0000-0000-000000000001")))
                .isEqualTo("00000000-0000-0000-0000-000000000001");
    }

    @Test
    void instantsAreDecimalEpochSeconds() {
        assertThat(ParameterText.format(Instant.parse("2024-01-02T03:04:05.123456789Z"))).isEqualTo("1704164645.123456789");
        assertThat(ParameterText.format(Instant.parse("2024-01-02T03:04:05.100Z"))).isEqualTo("1704164645.1");
        assertThat(ParameterText.format(Instant.parse("2024-01-02T03:04:05Z"))).isEqualTo("1704164645");
        assertThat(ParameterText.format(Instant.ofEpochSecond(-2, 500_000_000))).isEqualTo("-1.5");
        // 1-4 digits before the point are not a Unix time to ClickHouse: the first 10,000 s of 1970 get 5.
        assertThat(ParameterText.format(Instant.EPOCH)).isEqualTo("00000");
        assertThat(ParameterText.format(Instant.ofEpochSecond(1000, 500_000_000))).isEqualTo("01000.5");
        assertThat(ParameterText.format(Instant.ofEpochSecond(9999, 1))).isEqualTo("09999.000000001");
        assertThat(ParameterText.format(Instant.ofEpochSecond(10_000))).isEqualTo("10000");
    }

    @Test
    void collectionsAndMapsQuoteTheirElementsOnce() {
        assertThat(ParameterText.format(List.of("a'b", "c\\d", "e\nf"))).isEqualTo("['a\\'b','c\\\\d','e\\nf']");
        assertThat(ParameterText.format(new int[] {1, 2})).isEqualTo("[1,2]");
        assertThat(ParameterText.format(new String[0])).isEqualTo("[]");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", "v");
        m.put("n", null);
        assertThat(ParameterText.format(m)).isEqualTo("{'k':'v','n':NULL}");
        assertThat(ParameterText.format(List.of(List.of(1), List.of()))).isEqualTo("[[1],[]]");
    }

    @Test
    void unsupportedTypesAndBadNamesAreRefusedWithTheFix() {
        assertThatThrownBy(() -> ParameterText.format(new byte[] {1}))
                .hasMessage("byte[] parameters are not supported: bind hex text and unhex({p:String}) in SQL");
        assertThatThrownBy(() -> ParameterText.format(new Object()))
                .hasMessageStartingWith("cannot bind a java.lang.Object as a ClickHouse query parameter");
        assertThatThrownBy(() -> ParameterText.formatAll(Map.of("a-b", 1)))
                .hasMessage("query parameter name 'a-b' is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)");
    }
}
