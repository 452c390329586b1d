package io.fnscope.clickhouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings each table's TTL to the configured retention. Migrations are frozen once applied, so a retention changed
 * later is applied here, at writer start-up: {@code ALTER TABLE ... MODIFY TTL} for each table whose TTL differs.
 * Parts are dropped whole ({@code ttl_only_drop_parts}), so nothing is rewritten
 * ({@code materialize_ttl_after_modify = 0}).
 */
public final class RetentionSync {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSync.class);
    // ClickHouse normalises "INTERVAL 7 DAY" to "toIntervalDay(7)" in engine_full.
    private static final Pattern TTL = Pattern.compile("TTL (.+?) \\+ toIntervalDay\\((\\d+)\\)");

    private RetentionSync() {
    }

    /** @return the tables whose TTL was changed */
    public static List<String> apply(ClickHouse clickHouse, RetentionSettings retention) {
        List<String> changed = new java.util.ArrayList<>();
        Map<String, Integer> wanted = TelemetrySchema.ttlDays(retention);
        List<String[]> tables = clickHouse.query(
                "SELECT name, engine_full FROM system.tables WHERE database = {db:String}",
                Map.of("db", clickHouse.database()),
                row -> new String[]{row.getString("name"), row.getString("engine_full")});
        for (String[] t : tables) {
            Integer days = wanted.get(t[0]);
            if (days == null) {
                continue;
            }
            Matcher m = TTL.matcher(t[1]);
            if (!m.find()) {
                LOG.warn("Table {}.{} has no TTL fnscope recognises; retention of {} days is not enforced on it",
                        clickHouse.database(), t[0], days);
                continue;
            }
            int current = Integer.parseInt(m.group(2));
            if (current != days) {
                clickHouse.execute("ALTER TABLE " + clickHouse.database() + "." + t[0] + " MODIFY TTL " + m.group(1)
                                + " + toIntervalDay(" + days + ")", Map.of(),
                        QueryOptions.NONE.withSetting("materialize_ttl_after_modify", 0));
                LOG.info("Retention of {}.{} changed from {} to {} days", clickHouse.database(), t[0], current, days);
                changed.add(t[0]);
            }
        }
        return changed;
    }
}
