package io.fnscope.clickhouse;

import java.io.IOException;

/**
 * The rows of one insert, written in ClickHouse's RowBinary format (or in Native blocks, when the insert's
 * {@link InsertOptions#format()} says so). The same body feeds the HTTP insert of the server transport and the file
 * the embedded transport loads: encoding knows nothing of the transport.
 *
 * <p>Must be repeatable: a transport that retries calls {@link #writeTo} again and expects the same bytes (so build
 * the body from an in-memory batch, not from a one-shot iterator).
 */
@FunctionalInterface
public interface RowBinaryBody {

    /** Writes every row, column by column in the order of the insert's column list. The transport flushes. */
    void writeTo(RowBinaryWriter out) throws IOException;

    /** A body of bytes already encoded as RowBinary. */
    static RowBinaryBody ofBytes(byte[] rowBinary) {
        return out -> out.raw(rowBinary, 0, rowBinary.length);
    }
}
