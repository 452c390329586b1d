package io.fnscope.clickhouse.internal;

import io.fnscope.clickhouse.ClickHouseException;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ClickHouse error codes fnscope treats specially (names as in ClickHouse's {@code src/Common/ErrorCodes.cpp}).
 *
 * <p>A code is <b>transient</b> when the same statement may succeed later without change: the server was busy,
 * short of memory or disk, behind on merges, could not reach Keeper or enough replicas, failed an I/O call, or the
 * query ran out of time. The writer retries those (with its deduplication token), pausing its partitions; everything
 * else (syntax, unknown table, type mismatch, a constraint, bad data) would fail again and is dead-lettered or
 * reported. So a code belongs here when the rows are not at fault: a full disk must hold the writer back until an
 * operator frees space, not send every record to the dead-letter topic. A query-API caller whose query hit its
 * own timeout or memory cap gets a retryable error too: retrying may work when the server is less busy, or will
 * fail the same way, the caller decides.
 */
public final class ErrorCodes {
    public static final int CANNOT_WRITE_TO_OSTREAM = 24;
    public static final int THERE_IS_NO_COLUMN = 8;
    public static final int NOT_FOUND_COLUMN_IN_BLOCK = 10;
    public static final int NO_SUCH_COLUMN_IN_TABLE = 16;
    public static final int UNKNOWN_IDENTIFIER = 47;
    public static final int UNKNOWN_TABLE = 60;
    public static final int SYNTAX_ERROR = 62;
    public static final int UNKNOWN_DATABASE = 81;
    public static final int CANNOT_READ_FROM_FILE_DESCRIPTOR = 74;
    public static final int CANNOT_WRITE_TO_FILE_DESCRIPTOR = 75;
    public static final int CANNOT_OPEN_FILE = 76;
    public static final int TIMEOUT_EXCEEDED = 159;
    public static final int TOO_SLOW = 160;
    public static final int READONLY = 164;
    public static final int CANNOT_ALLOCATE_MEMORY = 173;
    public static final int UNKNOWN_USER = 192;
    public static final int WRONG_PASSWORD = 193;
    public static final int REQUIRED_PASSWORD = 194;
    public static final int TOO_MANY_SIMULTANEOUS_QUERIES = 202;
    public static final int NO_FREE_CONNECTION = 203;
    public static final int SOCKET_TIMEOUT = 209;
    public static final int NO_ZOOKEEPER = 225;
    public static final int NETWORK_ERROR = 210;
    public static final int ABORTED = 236;
    public static final int MEMORY_LIMIT_EXCEEDED = 241;
    public static final int TABLE_IS_READ_ONLY = 242;
    public static final int NOT_ENOUGH_SPACE = 243;
    public static final int TOO_MANY_PARTS = 252;
    public static final int ALL_CONNECTION_TRIES_FAILED = 279;
    public static final int TOO_FEW_LIVE_REPLICAS = 285;
    public static final int UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE = 286;
    public static final int DATABASE_ACCESS_DENIED = 291;
    public static final int UNKNOWN_STATUS_OF_INSERT = 319;
    public static final int QUERY_WAS_CANCELLED = 394;
    public static final int SYSTEM_ERROR = 425;
    public static final int CANNOT_SCHEDULE_TASK = 439;
    public static final int BAD_QUERY_PARAMETER = 457;
    public static final int ACCESS_DENIED = 497;
    public static final int AUTHENTICATION_FAILED = 516;
    public static final int KEEPER_EXCEPTION = 999;

    private static final Set<Integer> TRANSIENT = Set.of(
            // busy, or out of time
            TIMEOUT_EXCEEDED, TOO_SLOW, TOO_MANY_SIMULTANEOUS_QUERIES, NO_FREE_CONNECTION, TOO_MANY_PARTS,
            ABORTED, QUERY_WAS_CANCELLED, CANNOT_SCHEDULE_TASK,
            // short of memory or disk, or an I/O call failed (a full disk, too many open files)
            MEMORY_LIMIT_EXCEEDED, CANNOT_ALLOCATE_MEMORY, NOT_ENOUGH_SPACE, CANNOT_READ_FROM_FILE_DESCRIPTOR,
            CANNOT_WRITE_TO_FILE_DESCRIPTOR, CANNOT_OPEN_FILE, SYSTEM_ERROR,
            // the network, Keeper or the replicas
            SOCKET_TIMEOUT, NETWORK_ERROR, CANNOT_WRITE_TO_OSTREAM, ALL_CONNECTION_TRIES_FAILED,
            UNKNOWN_STATUS_OF_INSERT, TABLE_IS_READ_ONLY, NO_ZOOKEEPER, KEEPER_EXCEPTION, TOO_FEW_LIVE_REPLICAS,
            UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE);

    /**
     * Codes that blame what a statement runs against rather than the statement's rows: the schema (a table,
     * database or column missing: dropped or renamed by hand, or a schema older than the code) and the credentials
     * and grants. Not transient (they last until someone acts), but not the rows' fault either.
     */
    private static final Set<Integer> SETUP = Set.of(
            THERE_IS_NO_COLUMN, NOT_FOUND_COLUMN_IN_BLOCK, NO_SUCH_COLUMN_IN_TABLE, UNKNOWN_IDENTIFIER, UNKNOWN_TABLE,
            UNKNOWN_DATABASE, READONLY, UNKNOWN_USER, WRONG_PASSWORD, REQUIRED_PASSWORD, DATABASE_ACCESS_DENIED,
            ACCESS_DENIED, AUTHENTICATION_FAILED);

    /** ClickHouse messages start with {@code Code: N. DB::Exception: ...}. */
    private static final Pattern CODE = Pattern.compile("^\\s*Code:\\s*(\\d+)\\.");

    private ErrorCodes() {
    }

    public static boolean isTransient(int code) {
        return TRANSIENT.contains(code);
    }

    /** The code blames the schema, the credentials or the grants, not the statement's rows. */
    public static boolean isSetup(int code) {
        return SETUP.contains(code);
    }

    /** The code a ClickHouse message starts with, or {@link ClickHouseException#NO_CODE}. */
    public static int parse(String message) {
        if (message == null) {
            return ClickHouseException.NO_CODE;
        }
        Matcher m = CODE.matcher(message);
        if (m.find()) {
            try {
                return Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                return ClickHouseException.NO_CODE;
            }
        }
        return ClickHouseException.NO_CODE;
    }
}
