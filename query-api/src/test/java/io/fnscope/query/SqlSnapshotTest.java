package io.fnscope.query;

import io.fnscope.clickhouse.SqlFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statements the API sends, pinned as files under {@code src/test/resources/io/fnscope/query/snapshots}: every
 * SQL file rendered for database {@code fnscope}, and the trace search statement (the one completed in code) for
 * each kind of filter, with its parameters. A change to a query shows up as a diff of these files in review. After
 * an intended change, regenerate them with {@code -Dfnscope.snapshots.update=true} and review the diff.
 */
class SqlSnapshotTest {
    static final Path SQL = Path.of("src/main/resources/io/fnscope/query/sql");
    static final Path SNAPSHOTS = Path.of("src/test/resources/io/fnscope/query/snapshots");
    static final boolean UPDATE = Boolean.getBoolean("fnscope.snapshots.update");

    @Test
    void everyStatementFileIsOneStatementAndPinned() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(SQL)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().forEach(names::add);
        }
        assertThat(names).hasSize(17);
        for (String file : names) {
            String name = file.substring(0, file.length() - 4);
            String sql = QuerySql.render(name, "fnscope");
            assertThat(SqlFile.statementCount(sql)).as(file).isEqualTo(1);
            assertThat(sql).as(file + " must filter by tenant").contains("tenant = {tenant:String}");
            check(name + ".sql", sql);
        }
    }

    @Test
    void searchStatementPerKindOfFilter() throws IOException {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("no-filters", "");
        variants.put("service-function-name", "service=checkout&function=checkout-api&name=POST+/checkout");
        variants.put("durations-and-error", "minDuration=250ms&maxDuration=2s&error=true");
        variants.put("attributes", "attr.http.route=/checkout&attr.user.id=u-42");
        variants.put("resource-attributes", "resource.deployment.environment=prod&attr.user.id=u-42");
        variants.put("not-error-page-two", "error=false&limit=5&cursor="
                + new Cursor(TraceQuery.parse(params("error=false"), Instant.EPOCH, QuerySettings.defaults())
                .fingerprint(), 1_795_165_200_000_000_000L, 1_795_168_800_000_000_000L, 1_795_168_700_000_000_000L,
                "0af7651916cd43dd8448eb211c80319c").encode());
        String template = QuerySql.render("search_traces", "fnscope");
        for (Map.Entry<String, String> v : variants.entrySet()) {
            TraceQuery q = TraceQuery.parse(params("from=2026-11-20T09:00:00Z&to=2026-11-20T10:00:00Z&"
                    + v.getValue()), Instant.EPOCH, QuerySettings.defaults());
            TraceSearch search = TraceSearch.of(q);
            StringBuilder text = new StringBuilder(search.sql(template)).append("\n-- parameters:\n");
            new java.util.TreeMap<>(search.params()).forEach((k, val) -> text.append("--   ").append(k).append(" = ")
                    .append(val).append('\n'));
            check("search_traces-" + v.getKey() + ".sql", text.toString());
        }
    }

    static Params params(String query) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String kv : query.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            String k = kv.substring(0, eq);
            String v = java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return new Params(m);
    }

    private static void check(String file, String actual) throws IOException {
        Path p = SNAPSHOTS.resolve(file);
        if (UPDATE || !Files.exists(p)) {
            Files.createDirectories(SNAPSHOTS);
            Files.writeString(p, actual);
            if (!UPDATE) {
                throw new AssertionError("wrote the missing snapshot " + p + "; review it and run again");
            }
            return;
        }
        assertThat(actual).as("snapshot " + p + " (regenerate with -Dfnscope.snapshots.update=true after an"
                + " intended change)").isEqualTo(Files.readString(p));
    }

    @Test
    void noSnapshotWithoutItsStatement() throws IOException {
        TreeSet<String> statements = new TreeSet<>();
        try (Stream<Path> files = Files.list(SQL)) {
            files.forEach(p -> statements.add(p.getFileName().toString()));
        }
        try (Stream<Path> files = Files.list(SNAPSHOTS)) {
            // <statement>.sql, or <statement>-<variant>.sql for a statement completed in code
            files.map(p -> p.getFileName().toString())
                    .forEach(n -> assertThat(statements).as("snapshot " + n + " has no statement file")
                            .contains(n.contains("-") ? n.substring(0, n.indexOf('-')) + ".sql" : n));
        }
    }
}
