package io.fnscope.pipeline.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LogDirSpaceTest {
    private static final long MIB = 1024 * 1024;
    private final AtomicLong free = new AtomicLong(2048 * MIB);
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger looks = new AtomicInteger();
    private final LogDirSpace space = new LogDirSpace(Path.of("/data/kafka"), 1024 * MIB, () -> {
        looks.incrementAndGet();
        return free.get();
    }, now::get);

    @Test
    void refusesBelowTheReserveWithAMessageNamingTheDirectoryTheSpaceAndTheKey() {
        assertThat(space.shortage()).isNull();

        free.set(812 * MIB + 300 * 1024);
        now.addAndGet(LogDirSpace.LOOK_EVERY.toNanos());
        assertThat(space.shortage()).isEqualTo("the disk of the embedded Kafka log is nearly full: 812.3 MiB free under"
                + " /data/kafka, less than the 1.0 GiB kept free (fnscope.kafka.embedded.min-free-disk)");

        free.set(1024 * MIB);
        now.addAndGet(LogDirSpace.LOOK_EVERY.toNanos());
        assertThat(space.shortage()).as("exactly the reserve is enough").isNull();
    }

    @Test
    void asksTheFileSystemAtMostOnceInEachInterval() {
        for (int i = 0; i < 1000; i++) {
            space.shortage();
        }
        assertThat(looks).hasValue(1);
        free.set(0);
        assertThat(space.shortage()).as("the last answer is kept within the interval").isNull();

        now.addAndGet(LogDirSpace.LOOK_EVERY.toNanos());
        assertThat(space.shortage()).contains("0 B free");
        assertThat(looks).hasValue(2);
    }

    @Test
    void aFileSystemThatCannotBeReadKeepsTheLastAnswer() {
        AtomicLong readable = new AtomicLong(1);
        LogDirSpace flaky = new LogDirSpace(Path.of("/data/kafka"), 1024, () -> {
            if (readable.get() == 0) {
                throw new UncheckedIOException(new IOException("No such file or directory"));
            }
            return 1;
        }, now::get);
        assertThat(flaky.shortage()).isNotNull();
        readable.set(0);
        now.addAndGet(LogDirSpace.LOOK_EVERY.toNanos());
        assertThat(flaky.shortage()).as("still refused: no guess either way").isNotNull();

        LogDirSpace neverRead = new LogDirSpace(Path.of("/gone"), 1024, () -> {
            throw new UncheckedIOException(new IOException("No such file or directory"));
        }, now::get);
        assertThat(neverRead.shortage()).as("never read: nothing to refuse on").isNull();
    }

    @Test
    void aReserveOfZeroTurnsTheCheckOff() {
        LogDirSpace off = new LogDirSpace(Path.of("/data/kafka"), 0, () -> {
            throw new AssertionError("the file system is not asked");
        }, now::get);
        assertThat(off.shortage()).isNull();
    }

    @Test
    void readsTheRealFileSystem(@TempDir Path dir) throws IOException {
        long usable = Files.getFileStore(dir).getUsableSpace();
        assertThat(LogDirSpace.of(dir, 1).shortage()).isNull();
        assertThat(LogDirSpace.of(dir, usable * 2).shortage()).contains("free under " + dir);
    }
}
