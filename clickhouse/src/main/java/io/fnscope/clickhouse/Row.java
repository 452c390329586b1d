package io.fnscope.clickhouse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The current row of a query result, read by column name. Valid only inside {@link RowMapper#map}.
 *
 * <p>Conversions follow the ClickHouse Java client's reader (both transports decode RowBinaryWithNamesAndTypes
 * with it): integers widen and narrow with a range check, UInt64 reads as {@link BigInteger} through
 * {@link #getObject} and as {@code long} through {@link #getLong} (error above {@link Long#MAX_VALUE}),
 * DateTime/DateTime64 read as {@link Instant}, Enum8 reads as its name through {@link #getString}, LowCardinality
 * reads as its inner type. Reading a NULL through a primitive getter is an error: check {@link #isNull} first.
 * Binary columns (FixedString trace ids) come back as Strings of raw bytes: select {@code hex(col)} instead.
 */
public interface Row {

    /** Column names of the result, in order. */
    List<String> columns();

    /** The ClickHouse type of a column, as the server names it ({@code DateTime64(9)}, {@code Nullable(String)}). */
    String type(String column);

    boolean isNull(String column);

    String getString(String column);

    long getLong(String column);

    int getInt(String column);

    double getDouble(String column);

    boolean getBoolean(String column);

    Instant getInstant(String column);

    /** Date and Date32. */
    LocalDate getLocalDate(String column);

    BigInteger getBigInteger(String column);

    BigDecimal getBigDecimal(String column);

    UUID getUUID(String column);

    /** Array(T) as a list of T's Java values. */
    <T> List<T> getList(String column);

    /** Map(K, V) as a map of their Java values, in ClickHouse's order. */
    <K, V> Map<K, V> getMap(String column);

    /** The value as the reader produces it (null for NULL). */
    Object getObject(String column);
}
