package io.fnscope.collector;

/**
 * Counts, for one request, the items rejected by {@link Reason} and the changes made by {@link LimitKind}: what the
 * exporter is told and what the metrics count. Plain arrays: it is filled on the hot path.
 */
final class Tally {
    private final int[] rejected = new int[Reason.values().length];
    private final int[] limits = new int[LimitKind.values().length];
    private int rejectedTotal;
    private int limitsTotal;

    void reject(Reason reason, int items) {
        if (items > 0) {
            rejected[reason.ordinal()] += items;
            rejectedTotal += items;
        }
    }

    void limit(LimitKind kind, int count) {
        if (count > 0) {
            limits[kind.ordinal()] += count;
            limitsTotal += count;
        }
    }

    int rejected() {
        return rejectedTotal;
    }

    int rejected(Reason reason) {
        return rejected[reason.ordinal()];
    }

    int limits() {
        return limitsTotal;
    }

    int limit(LimitKind kind) {
        return limits[kind.ordinal()];
    }

    /** "trace_id is not 16 bytes or is all zero (1); end_time_unix_nano is before ... (2)", in enum order. */
    String describeRejections() {
        StringBuilder sb = new StringBuilder();
        for (Reason r : Reason.values()) {
            int n = rejected[r.ordinal()];
            if (n > 0) {
                if (!sb.isEmpty()) {
                    sb.append("; ");
                }
                sb.append(r.description).append(" (").append(n).append(')');
            }
        }
        return sb.toString();
    }

    /** "attribute values truncated to ... (3); ..." for the changes only, in enum order, or an empty string. */
    String describeLimits() {
        StringBuilder sb = new StringBuilder();
        for (LimitKind k : LimitKind.values()) {
            int n = limits[k.ordinal()];
            if (n > 0) {
                if (!sb.isEmpty()) {
                    sb.append("; ");
                }
                sb.append(k.description).append(" (").append(n).append(')');
            }
        }
        return sb.toString();
    }
}
