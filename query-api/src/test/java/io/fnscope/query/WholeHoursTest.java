package io.fnscope.query;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Which part of a range the functions view reads from the hourly roll-up, and which from the per-minute one. */
class WholeHoursTest {
    static Instant[] hours(String from, String to) {
        return FunctionStore.wholeHours(new TimeRange(Instant.parse(from), Instant.parse(to)));
    }

    @Test
    void theWholeHoursInsideARange() {
        assertThat(hours("2026-11-20T10:17:30Z", "2026-11-21T10:17:30Z")).containsExactly(
                Instant.parse("2026-11-20T11:00:00Z"), Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(hours("2026-11-20T10:00:00Z", "2026-11-20T12:00:00Z")).containsExactly(
                Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-20T12:00:00Z"));
        // A start a nanosecond after the hour leaves that hour to the minutes.
        assertThat(hours("2026-11-20T10:00:00.000000001Z", "2026-11-20T12:00:00Z")).containsExactly(
                Instant.parse("2026-11-20T11:00:00Z"), Instant.parse("2026-11-20T12:00:00Z"));
    }

    @Test
    void noWholeHourIsAnEmptyRange() {
        Instant[] h = hours("2026-11-20T10:10:00Z", "2026-11-20T10:50:00Z");
        assertThat(h[0]).isEqualTo(h[1]);
        Instant[] across = hours("2026-11-20T10:30:00Z", "2026-11-20T11:30:00Z");
        assertThat(across[0]).isEqualTo(across[1]);
    }
}
