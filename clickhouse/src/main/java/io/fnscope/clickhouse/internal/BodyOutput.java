package io.fnscope.clickhouse.internal;

import io.fnscope.clickhouse.RowBinaryBody;
import io.fnscope.clickhouse.RowBinaryWriter;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Runs a {@link RowBinaryBody} against a transport's stream and keeps apart the two ways it can fail: the stream
 * failed (network, disk: the transport's problem, reported as ClickHouse unavailable) or the body failed (the
 * caller's problem: its exception propagates unchanged, an IOException as {@link UncheckedIOException}).
 */
public final class BodyOutput {

    /** An IOException of the transport's stream, passed through the body. */
    public static final class StreamFailure extends IOException {
        StreamFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }

        public IOException streamException() {
            return (IOException) getCause();
        }
    }

    /** The body threw; {@link #getCause()} is what it threw. */
    public static final class BodyFailure extends RuntimeException {
        BodyFailure(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }

        /** What the caller should see: the body's RuntimeException, or its IOException wrapped. */
        public RuntimeException toCallerException() {
            Throwable c = getCause();
            if (c instanceof RuntimeException r) {
                return r;
            }
            if (c instanceof IOException io) {
                return new UncheckedIOException("the insert body failed: " + io.getMessage(), io);
            }
            return new IllegalStateException("the insert body failed", c);
        }
    }

    private BodyOutput() {
    }

    /**
     * Writes the body to {@code out} and flushes. Throws {@link StreamFailure} when the stream failed and
     * {@link BodyFailure} when the body did.
     */
    public static void write(RowBinaryBody body, OutputStream out) throws StreamFailure {
        RowBinaryWriter w = new RowBinaryWriter(new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw new StreamFailure(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new StreamFailure(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw new StreamFailure(e);
                }
            }
        });
        try {
            body.writeTo(w);
            w.flush();
        } catch (StreamFailure f) {
            throw f;
        } catch (IOException | RuntimeException e) {
            throw new BodyFailure(e);
        }
    }
}
