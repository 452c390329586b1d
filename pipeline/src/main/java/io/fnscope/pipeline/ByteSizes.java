package io.fnscope.pipeline;

import java.util.Locale;

/** Sizes in messages for people. */
public final class ByteSizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private ByteSizes() {
    }

    /** Binary units with one decimal, as {@code df -h} shows them: {@code 812.3 MiB}; bytes as they are below 1 KiB. */
    public static String readable(long bytes) {
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
