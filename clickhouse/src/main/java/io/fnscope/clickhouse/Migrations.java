package io.fnscope.clickhouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Applies versioned schema migrations: SQL files named {@code NNNN_what_it_does.sql} in the classpath folders of
 * the given {@link MigrationSet}s, in version order, each recorded in {@code <database>.schema_migrations}
 * (version, name, checksum, applied_at).
 *
 * <ul>
 *   <li><b>One statement per file</b> (a file with two is refused): when one fails, the message names the file,
 *   and nothing half-applied hides inside a file that is recorded as done.</li>
 *   <li><b>Idempotent.</b> A recorded version is skipped, so running twice changes nothing. Each statement should
 *   itself be idempotent ({@code IF NOT EXISTS}): a crash between applying and recording repeats it.</li>
 *   <li><b>Applied files are frozen.</b> The checksum (SHA-256 of the file, before variables are filled in) of an
 *   applied migration must not change; a changed file is refused with a message naming it. Variables are outside
 *   the checksum on purpose: changing a retention setting must not block start-up (apply such changes with an
 *   ALTER at start-up instead).</li>
 *   <li>{@code ${database}} and each set's variables are filled in by {@link SqlFile#render}.</li>
 *   <li>The database and the tracking table are created first, if missing.</li>
 * </ul>
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final Pattern FILE = Pattern.compile("(\\d{4,})_([a-z0-9_]+)\\.sql");
    private static final String SQL = "io/fnscope/clickhouse/sql/";

    private final ClickHouse clickHouse;
    private final List<MigrationSet> sets;

    /** A migration file found on the classpath. */
    public record Migration(int version, String name, String resource, String text, String checksum, MigrationSet set) {
    }

    /** A row of {@code schema_migrations}. */
    public record Applied(int version, String name, String checksum) {
    }

    public Migrations(ClickHouse clickHouse, List<MigrationSet> sets) {
        this.clickHouse = clickHouse;
        this.sets = List.copyOf(sets);
    }

    /**
     * Creates the database and tracking table if needed, then applies every migration not yet recorded.
     *
     * @return the migrations applied by this call (empty when the schema was up to date)
     * @throws IllegalStateException    when an applied migration's file changed, or versions collide
     * @throws IllegalArgumentException when a file is malformed (name, statements, variables)
     * @throws ClickHouseException      when a statement fails; the message names the file
     */
    public List<Migration> apply() {
        Map<String, String> own = Map.of("database", clickHouse.database());
        clickHouse.execute(SqlFile.render(SQL + "create_database.sql", own));
        clickHouse.execute(SqlFile.render(SQL + "create_schema_migrations.sql", own));

        List<Migration> all = discover();
        Map<Integer, Applied> applied = new HashMap<>();
        for (Applied a : applied()) {
            applied.put(a.version(), a);
        }
        List<Migration> done = new ArrayList<>();
        for (Migration m : all) {
            Applied a = applied.remove(m.version());
            if (a != null) {
                if (!a.checksum().equals(m.checksum())) {
                    throw new IllegalStateException("Migration " + m.resource() + " (version " + m.version()
                            + ") was changed after it was applied to database " + clickHouse.database()
                            + " (recorded checksum " + a.checksum() + ", file now " + m.checksum() + "). An applied"
                            + " migration must not change: restore the file and put the change in a new migration"
                            + " with a higher version.");
                }
                continue;
            }
            Map<String, String> vars = new HashMap<>(m.set().variables());
            vars.put("database", clickHouse.database());
            String sql = SqlFile.render(m.text(), vars, m.resource());
            long t0 = System.nanoTime();
            try {
                clickHouse.execute(sql);
            } catch (ClickHouseQueryException e) {
                throw new ClickHouseQueryException("Migration " + m.resource() + " failed: " + e.getMessage(), e.code(), e);
            } catch (ClickHouseUnavailableException e) {
                throw new ClickHouseUnavailableException("Migration " + m.resource() + " could not run: " + e.getMessage(),
                        e.code(), e.isRetryable(), e);
            }
            clickHouse.execute(SqlFile.render(SQL + "insert_schema_migration.sql", own),
                    Map.of("version", m.version(), "name", m.name(), "checksum", m.checksum()));
            LOG.info("Applied ClickHouse migration {} ({} ms)", m.resource(), (System.nanoTime() - t0) / 1_000_000);
            done.add(m);
        }
        if (!applied.isEmpty()) {
            // A newer fnscope ran here before: its migrations stay; this version does not know them.
            LOG.warn("Database {} has migrations this fnscope does not ship: versions {}", clickHouse.database(),
                    new TreeSet<>(applied.keySet()));
        }
        return done;
    }

    /** The recorded migrations, in version order. */
    public List<Applied> applied() {
        return clickHouse.query(SqlFile.render(SQL + "select_schema_migrations.sql", Map.of("database", clickHouse.database())),
                r -> new Applied(r.getInt("version"), r.getString("name"), r.getString("checksum")));
    }

    /** Every migration file of every set, in version order. */
    public List<Migration> discover() {
        Map<Integer, Migration> byVersion = new TreeMap<>();
        for (MigrationSet set : sets) {
            for (Map.Entry<String, String> file : listFolder(set.location()).entrySet()) {
                Migration m = parse(set, file.getKey(), file.getValue());
                Migration other = byVersion.putIfAbsent(m.version(), m);
                if (other != null) {
                    throw new IllegalStateException("Migration version " + m.version() + " is used twice: "
                            + other.resource() + " and " + m.resource() + ". Give each migration its own version.");
                }
            }
        }
        List<Migration> out = new ArrayList<>(byVersion.values());
        out.sort(Comparator.comparingInt(Migration::version));
        return Collections.unmodifiableList(out);
    }

    private static Migration parse(MigrationSet set, String fileName, String resource) {
        Matcher m = FILE.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("Migration file " + resource + " is not named NNNN_what_it_does.sql"
                    + " (four or more digits, an underscore, lower-case letters, digits and underscores)");
        }
        String text = SqlFile.load(resource, loader());
        int statements = SqlFile.statementCount(text);
        if (statements != 1) {
            throw new IllegalArgumentException("Migration file " + resource + " holds " + statements
                    + " statements; put exactly one statement in each migration file");
        }
        return new Migration(Integer.parseInt(m.group(1)), m.group(2), resource, text, sha256(text), set);
    }

    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Migrations.class.getClassLoader();
    }

    /** File name to resource path of the .sql files in a classpath folder (directories and jars). */
    static Map<String, String> listFolder(String location) {
        Map<String, String> files = new TreeMap<>();
        try {
            Enumeration<URL> roots = loader().getResources(location);
            while (roots.hasMoreElements()) {
                URL url = roots.nextElement();
                switch (url.getProtocol()) {
                    case "file" -> {
                        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
                            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                                    .filter(n -> n.endsWith(".sql"))
                                    .forEach(n -> files.putIfAbsent(n, location + "/" + n));
                        }
                    }
                    case "jar" -> {
                        JarURLConnection c = (JarURLConnection) url.openConnection();
                        c.setUseCaches(false);
                        try (JarFile jar = c.getJarFile()) {
                            String prefix = location + "/";
                            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                                String name = e.nextElement().getName();
                                if (name.startsWith(prefix) && name.endsWith(".sql") && name.indexOf('/', prefix.length()) < 0) {
                                    files.putIfAbsent(name.substring(prefix.length()), name);
                                }
                            }
                        }
                    }
                    default -> throw new IllegalStateException("Cannot list migration folder " + url
                            + ": only directories and jar files are supported");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list migration folder " + location, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new LinkedHashMap<>(files);
    }
}
