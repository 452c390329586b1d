package io.fnscope.query;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The request records check themselves; the messages name the parameter and what to send. */
class RequestParsingTest {
    static final Instant NOW = Instant.parse("2026-11-20T10:30:00Z");

    @Test
    void timesInEpochMillisOrIso() {
        TimeRange r = TimeRange.parse("1795168800000", "2026-11-20T11:00:00+01:00", NOW, Duration.ofHours(1),
                Duration.ofDays(1), "k");
        assertThat(r.from()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
        assertThat(r.to()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
        TimeRange defaults = TimeRange.parse(null, null, NOW, Duration.ofHours(1), Duration.ofDays(1), "k");
        assertThat(defaults).isEqualTo(new TimeRange(NOW.minus(Duration.ofHours(1)), NOW));
        TimeRange onlyTo = TimeRange.parse(null, "2026-11-20T08:00:00Z", NOW, Duration.ofHours(1), Duration.ofDays(1), "k");
        assertThat(onlyTo.from()).isEqualTo(Instant.parse("2026-11-20T07:00:00Z"));
        assertThat(TimeRange.parse("2026-11-20T10:00:00.123456789Z", null, NOW, Duration.ofHours(1),
                Duration.ofDays(1), "k").fromNanos()).isEqualTo(1_795_168_800_123_456_789L);
    }

    @Test
    void durations() {
        Params p = SqlSnapshotTest.params("a=250ms&b=1.5s&c=2m&d=PT5M&e=100&f=500us&g=1h&h=3d");
        assertThat(p.duration("a", "ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(p.duration("b", "ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.duration("c", "ms")).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.duration("d", "ms")).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.duration("e", "ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(p.duration("e", "s")).isEqualTo(Duration.ofSeconds(100));
        assertThat(p.duration("f", "ms")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(p.duration("g", "ms")).isEqualTo(Duration.ofHours(1));
        assertThat(p.duration("h", "ms")).isEqualTo(Duration.ofDays(3));
        assertThat(p.duration("missing", "ms")).isNull();
    }

    @Test
    void cursorsRoundTripAndRefuseForgeries() {
        Cursor c = new Cursor(42L, 1, 2, 3, "0af7651916cd43dd8448eb211c80319c");
        assertThat(Cursor.decode(c.encode())).isEqualTo(c);
        assertThat(c.encode()).hasSize(66);
        byte[] bytes = java.util.Base64.getUrlDecoder().decode(c.encode());
        bytes[0] = 2; // another layout version
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThatThrownBy(() -> Cursor.decode(forged)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> Cursor.decode("!!")).isInstanceOf(BadRequestException.class)
                .hasMessage("parameter 'cursor' is not a cursor this API returned; repeat the search without it and"
                        + " use the nextCursor of its answer");
    }

    @Test
    void traceIds() {
        assertThat(TraceId.parse("traceId", " 0AF7651916CD43DD8448EB211C80319C ").hex())
                .isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(TraceId.parse("traceId", "1-5759e988-bd862e3fe1be46a994272793").hex())
                .isEqualTo("5759e988bd862e3fe1be46a994272793");
        assertThatThrownBy(() -> TraceId.parse("traceId", "0af7651916cd43dd")).isInstanceOf(BadRequestException.class);
    }

    @Test
    void timeseriesSteps() {
        QuerySettings s = QuerySettings.defaults();
        TimeseriesQuery day = TimeseriesQuery.parse("f", SqlSnapshotTest.params(
                "from=2026-11-19T10:00:00Z&to=2026-11-20T10:00:00Z"), NOW, s);
        assertThat(day.stepSeconds()).isEqualTo(24 * 60); // 24 h / 60 points = 24 min
        TimeseriesQuery odd = TimeseriesQuery.parse("f", SqlSnapshotTest.params(
                "from=2026-11-20T10:00:30Z&to=2026-11-20T10:05:10Z&step=2m"), NOW, s);
        // buckets from 10:00 (from, down to the minute): 10:00, 10:02, 10:04
        assertThat(FunctionStore.buckets(odd.range(), odd.stepSeconds())).isEqualTo(3);
    }
}
