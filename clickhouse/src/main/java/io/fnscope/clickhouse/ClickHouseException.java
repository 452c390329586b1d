package io.fnscope.clickhouse;

/**
 * A ClickHouse call failed. Both transports throw only this type (and its two subclasses), so a caller can decide
 * between retrying and giving up without knowing which transport it runs on:
 * <ul>
 *   <li>{@link ClickHouseUnavailableException}: ClickHouse could not be reached or could not run anything
 *   (connection refused, HTTP 502/503/504, socket timeout, embedded engine not started). Retryable unless the cause
 *   is a setup mistake (library missing, bad URL) that only an operator can fix.</li>
 *   <li>{@link ClickHouseQueryException}: ClickHouse ran the statement and refused or failed it. Carries
 *   ClickHouse's error code and message verbatim ({@code Code: 60. DB::Exception: Unknown table ...}). Retryable
 *   only for codes that describe a passing condition (timeout, memory limit, too many parts, too many simultaneous
 *   queries...), see {@link io.fnscope.clickhouse.internal.ErrorCodes}.</li>
 * </ul>
 */
public class ClickHouseException extends RuntimeException {
    /** {@link #code()} when ClickHouse gave no error code. */
    public static final int NO_CODE = -1;

    private final int code;
    private final boolean retryable;

    protected ClickHouseException(String message, int code, boolean retryable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    /** ClickHouse's error code ({@code 60} for UNKNOWN_TABLE...), or {@link #NO_CODE}. */
    public int code() {
        return code;
    }

    /** True when the same call may succeed if repeated later, unchanged. */
    public boolean isRetryable() {
        return retryable;
    }

    /**
     * True when the call failed because of what it runs against, not because of the statement's rows: ClickHouse out
     * of reach or refusing the credentials, a table, database or column missing, no permission. Such a failure is
     * an operator's to fix; the same call succeeds once it is. A writer holds its rows back and retries it, instead
     * of setting the rows aside as refused.
     */
    public boolean isSetupError() {
        return this instanceof ClickHouseUnavailableException || io.fnscope.clickhouse.internal.ErrorCodes.isSetup(code);
    }
}
