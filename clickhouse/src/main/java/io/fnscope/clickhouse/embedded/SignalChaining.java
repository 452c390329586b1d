package io.fnscope.clickhouse.embedded;

import io.fnscope.clickhouse.ClickHouseUnavailableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * chDB installs ClickHouse's own handlers for SIGSEGV, SIGBUS and friends. The JVM needs those signals for itself
 * (implicit null checks, safepoint polls, stack banging): with chDB's handlers in charge, ordinary Java work stalled
 * for minutes and the JVM died with SIGSEGV on this machine, and {@code chdb_set_signal_handlers_enabled(false)}
 * crashed at once (it resets the JVM's handlers to SIG_DFL). The JDK's signal-chaining library, preloaded, makes
 * both coexist: {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}. It cannot be loaded later, so this check runs before
 * libchdb is touched and fails with the fix.
 */
final class SignalChaining {
    static final String FIX = "start the JVM with LD_PRELOAD=$JAVA_HOME/lib/libjsig.so (the JDK's signal-chaining"
            + " library; bin/fnscope and bin/test do this, Maven forks get it from -Dfnscope.ld.preload)";

    private SignalChaining() {
    }

    static void requirePreloaded() {
        String maps;
        try {
            maps = Files.readString(Path.of("/proc/self/maps"));
        } catch (IOException | UnsupportedOperationException e) {
            // Not Linux: libchdb is built for Linux only, the library check reports that.
            return;
        }
        if (!isPreloaded(maps)) {
            throw new ClickHouseUnavailableException("The embedded ClickHouse engine (chDB) cannot run in this JVM: "
                    + "libjsig.so is not loaded, and without it chDB's signal handlers break the JVM's (stalls, SIGSEGV). "
                    + "Fix: " + FIX + ", or use a ClickHouse server (fnscope.clickhouse.transport=server).", false, null);
        }
    }

    /** True when the process maps (the text of /proc/self/maps) include libjsig.so. */
    static boolean isPreloaded(String procSelfMaps) {
        return procSelfMaps.lines().anyMatch(l -> l.endsWith("/libjsig.so"));
    }
}
