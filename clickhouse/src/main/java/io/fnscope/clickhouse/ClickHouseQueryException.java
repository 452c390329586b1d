package io.fnscope.clickhouse;

import io.fnscope.clickhouse.internal.ErrorCodes;

/**
 * ClickHouse ran the statement and failed it. {@link #getMessage()} is ClickHouse's own message, verbatim
 * ({@code Code: 60. DB::Exception: Unknown table expression identifier 'x' ... (UNKNOWN_TABLE)}), and
 * {@link #code()} its error code. Retryable only for transient codes ({@link ErrorCodes#isTransient(int)}).
 */
public class ClickHouseQueryException extends ClickHouseException {
    public ClickHouseQueryException(String message, int code, Throwable cause) {
        super(message, code, ErrorCodes.isTransient(code), cause);
    }

    /** From a ClickHouse message that starts with {@code Code: N.}; the code is parsed from it. */
    public static ClickHouseQueryException fromMessage(String message, Throwable cause) {
        return new ClickHouseQueryException(message, ErrorCodes.parse(message), cause);
    }
}
