package io.fnscope.clickhouse.internal;

import io.fnscope.clickhouse.ClickHouseException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorCodesTest {

    @Test
    void codesAreParsedFromClickHouseMessages() {
        assertThat(ErrorCodes.parse("Code: 60. DB::Exception: Unknown table ... (UNKNOWN_TABLE)")).isEqualTo(60);
        assertThat(ErrorCodes.parse("Code: 241. DB::Exception: Code: 241. DB::Exception: nested")).isEqualTo(241);
        assertThat(ErrorCodes.parse("connection refused")).isEqualTo(ClickHouseException.NO_CODE);
        assertThat(ErrorCodes.parse(null)).isEqualTo(ClickHouseException.NO_CODE);
    }

    @Test
    void transientCodesAreThoseThatPass() {
        assertThat(ErrorCodes.isTransient(ErrorCodes.TOO_MANY_PARTS)).isTrue();
        assertThat(ErrorCodes.isTransient(ErrorCodes.TIMEOUT_EXCEEDED)).isTrue();
        assertThat(ErrorCodes.isTransient(ErrorCodes.MEMORY_LIMIT_EXCEEDED)).isTrue();
        // The rows are not at fault: a full disk or a failed write holds the writer back, it dead-letters nothing.
        assertThat(ErrorCodes.isTransient(ErrorCodes.NOT_ENOUGH_SPACE)).isTrue();
        assertThat(ErrorCodes.isTransient(ErrorCodes.CANNOT_WRITE_TO_FILE_DESCRIPTOR)).isTrue();
        assertThat(ErrorCodes.isTransient(ErrorCodes.TOO_FEW_LIVE_REPLICAS)).isTrue();
        assertThat(ErrorCodes.isTransient(53)).as("TYPE_MISMATCH").isFalse();
        assertThat(ErrorCodes.isTransient(469)).as("VIOLATED_CONSTRAINT").isFalse();
        assertThat(ErrorCodes.isTransient(ErrorCodes.UNKNOWN_TABLE)).isFalse();
        assertThat(ErrorCodes.isTransient(ErrorCodes.SYNTAX_ERROR)).isFalse();
        assertThat(ErrorCodes.isTransient(ClickHouseException.NO_CODE)).isFalse();
    }

    @Test
    void setupCodesBlameTheSchemaOrTheCredentialsNotTheRows() {
        assertThat(ErrorCodes.isSetup(ErrorCodes.UNKNOWN_TABLE)).isTrue();
        assertThat(ErrorCodes.isSetup(ErrorCodes.NO_SUCH_COLUMN_IN_TABLE)).isTrue();
        assertThat(ErrorCodes.isSetup(ErrorCodes.ACCESS_DENIED)).isTrue();
        assertThat(ErrorCodes.isSetup(ErrorCodes.AUTHENTICATION_FAILED)).isTrue();
        assertThat(ErrorCodes.isSetup(469)).as("VIOLATED_CONSTRAINT").isFalse();
        assertThat(ErrorCodes.isSetup(53)).as("TYPE_MISMATCH").isFalse();
        assertThat(ErrorCodes.isSetup(ErrorCodes.TOO_MANY_PARTS)).as("transient, not setup").isFalse();
        assertThat(ErrorCodes.isSetup(ClickHouseException.NO_CODE)).isFalse();
    }
}
