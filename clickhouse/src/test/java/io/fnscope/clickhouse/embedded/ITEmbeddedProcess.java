package io.fnscope.clickhouse.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded engine in processes of its own (the {@link EmbeddedMain} tool in child JVMs): what a user sees when
 * the JVM lacks libjsig, that a JVM which never closes the engine still exits (the shutdown hook closes it), and
 * that data survives a kill -9.
 */
class ITEmbeddedProcess {

    @Test
    void withoutLibjsigTheEngineRefusesToStartAndSaysHowToFixIt(@TempDir Path dir) throws Exception {
        Result r = run(false, dir, "count");
        assertThat(r.exit).isEqualTo(3);
        assertThat(r.out).contains("The embedded ClickHouse engine (chDB) cannot run in this JVM: libjsig.so is not"
                + " loaded, and without it chDB's signal handlers break the JVM's (stalls, SIGSEGV). Fix: start the JVM"
                + " with LD_PRELOAD=$JAVA_HOME/lib/libjsig.so");
    }

    @Test
    void aJvmThatNeverClosesTheEngineStillExitsAndTheDataSurvivesAKill(@TempDir Path dir) throws Exception {
        // 1. Insert and fall off the end of main without closing: the shutdown hook closes chDB, the JVM exits.
        Result first = run(true, dir, "insert-and-exit");
        assertThat(first.exit).as(first.out).isZero();
        assertThat(first.out).contains("inserted 1000");

        // 2. Insert, then get killed with SIGKILL while idle.
        Process p = start(true, dir, "insert-and-wait");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("inserted 1000"));
            assertThat(line).isEqualTo("inserted 1000");
            p.destroyForcibly();
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // 3. A new process on the same directory sees both inserts.
        Result after = run(true, dir, "count");
        assertThat(after.exit).as(after.out).isZero();
        assertThat(after.out).contains("rows 2000");
    }

    /**
     * fnscope.clickhouse.embedded.min-free-disk is the disk's own reserve, so that merges (which no insert setting
     * reaches) keep it too; an insert that would eat into it is refused as transient, naming fnscope's key.
     */
    @Test
    void theEnginesDiskKeepsTheReserveFreeFromInserts(@TempDir Path dir) throws Exception {
        Result roomy = run(true, dir, "disk-reserve", "123456789");
        assertThat(roomy.exit).as(roomy.out).isZero();
        assertThat(roomy.out).contains("keep_free_space 123456789").contains("insert ok");

        long moreThanFree = 2 * Files.getFileStore(dir).getUsableSpace();
        Result full = run(true, dir, "disk-reserve", Long.toString(moreThanFree));
        assertThat(full.exit).as(full.out).isZero();
        assertThat(full.out).contains("insert refused: code 243 retryable true: ")
                .contains("(fnscope.clickhouse.embedded.min-free-disk): free space there; the writer retries and nothing is lost]");
    }

    record Result(int exit, String out) {
    }

    static Result run(boolean preload, Path dir, String... command) throws IOException, InterruptedException {
        Process p = start(preload, dir, command);
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not exit within 120 s: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    static Process start(boolean preload, Path dir, String... command) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), EmbeddedMain.class.getName(), command[0], dir.toString()));
        cmd.addAll(List.of(command).subList(1, command.length));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (preload) {
            pb.environment().put("LD_PRELOAD", Path.of(System.getProperty("java.home"), "lib", "libjsig.so").toString());
        } else {
            pb.environment().remove("LD_PRELOAD");
        }
        return pb.start();
    }
}
