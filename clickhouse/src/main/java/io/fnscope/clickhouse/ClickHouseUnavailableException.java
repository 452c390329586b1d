package io.fnscope.clickhouse;

/**
 * ClickHouse could not be reached, or the embedded engine could not run: nothing was (knowingly) executed.
 * Retryable unless it names a setup problem (see the message for the fix).
 */
public class ClickHouseUnavailableException extends ClickHouseException {
    public ClickHouseUnavailableException(String message, boolean retryable, Throwable cause) {
        super(message, NO_CODE, retryable, cause);
    }

    public ClickHouseUnavailableException(String message, int code, boolean retryable, Throwable cause) {
        super(message, code, retryable, cause);
    }
}
