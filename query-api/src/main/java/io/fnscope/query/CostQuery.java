package io.fnscope.query;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * A cost breakdown request, checked: {@code groupBy} one of function, service, trigger, route (default function)
 * and a time range. Route reads raw spans (entry requests), so its range is bounded by
 * {@code fnscope.query.max-search-range}; the others read roll-ups and invocation rows, bounded by
 * {@code fnscope.query.max-range}.
 */
record CostQuery(GroupBy groupBy, TimeRange range) {
    private static final Set<String> KNOWN = Set.of("groupBy", "from", "to");

    enum GroupBy {
        FUNCTION, SERVICE, TRIGGER, ROUTE;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static CostQuery parse(Params p, Instant now, QuerySettings settings) {
        p.allowOnly(KNOWN);
        String g = p.get("groupBy");
        GroupBy groupBy;
        if (g == null || g.isBlank()) {
            groupBy = GroupBy.FUNCTION;
        } else {
            try {
                groupBy = GroupBy.valueOf(g.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("parameter 'groupBy' must be function, service, trigger or route, got '"
                        + g + "'");
            }
        }
        TimeRange range = groupBy == GroupBy.ROUTE
                ? TimeRange.parse(p.get("from"), p.get("to"), now, settings.defaultRange(), settings.maxSearchRange(),
                "fnscope.query.max-search-range (groupBy=route reads spans)")
                : TimeRange.parse(p.get("from"), p.get("to"), now, settings.defaultRange(), settings.maxRange(),
                "fnscope.query.max-range");
        return new CostQuery(groupBy, range);
    }
}
