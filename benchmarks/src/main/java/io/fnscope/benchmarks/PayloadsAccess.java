package io.fnscope.benchmarks;

import java.util.List;

/** The benchmark payloads, for benchmark classes in other packages. */
public final class PayloadsAccess {
    private PayloadsAccess() {
    }

    public static List<byte[]> traces(int requests, int spans, int attributes, long seed) {
        return Payloads.traces(requests, spans, attributes, seed);
    }
}
