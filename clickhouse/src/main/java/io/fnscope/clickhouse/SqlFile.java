package io.fnscope.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL kept in classpath files (one statement per file, named for what it does), with {@code ${name}} variables.
 *
 * <p>Variables are for what ClickHouse cannot take as a query parameter: names in DDL ({@code ${database}}),
 * TTL intervals, codecs. Their values come from configuration, never from requests, and are limited to
 * {@code [A-Za-z0-9_.:-]}, so a value cannot end a string or a statement. Request values go in
 * {@code {name:Type}} parameters instead.
 */
public final class SqlFile {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9_.:-]+");

    private SqlFile() {
    }

    /** The text of a classpath resource ({@code io/fnscope/writer/sql/insert_spans.sql}), CRLF normalised to LF. */
    public static String load(String resource) {
        return load(resource, SqlFile.class.getClassLoader());
    }

    public static String load(String resource, ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("SQL file " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL file " + resource, e);
        }
    }

    /** {@link #load} then {@link #render}. */
    public static String render(String resource, Map<String, String> variables) {
        return render(load(resource), variables, resource);
    }

    /**
     * Replaces every {@code ${name}} with its value.
     *
     * @throws IllegalArgumentException naming {@code source} when a variable has no value or an unsafe one
     */
    public static String render(String template, Map<String, String> variables, String source) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder(template.length());
        Set<String> missing = new TreeSet<>();
        while (m.find()) {
            String name = m.group(1);
            String value = variables.get(name);
            if (value == null) {
                missing.add(name);
                m.appendReplacement(out, "");
                continue;
            }
            if (!SAFE_VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException(source + ": the value of ${" + name + "} ('" + value
                        + "') may only contain letters, digits and _ . : -");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(source + " uses " + missing.stream().map(v -> "${" + v + "}").toList()
                    + " but no value was given for it; known variables: " + new TreeSet<>(variables.keySet()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * How many statements the text holds: semicolons outside strings, quoted names and comments separate them; a
     * final semicolon and comments alone do not count.
     */
    public static int statementCount(String sql) {
        int count = 0;
        boolean content = false;
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
            } else if (c == '\'' || c == '"' || c == '`') {
                content = true;
                i++;
                while (i < n && sql.charAt(i) != c) {
                    if (sql.charAt(i) == '\\') {
                        i++;
                    }
                    i++;
                }
            } else if (c == ';') {
                if (content) {
                    count++;
                }
                content = false;
            } else if (!Character.isWhitespace(c)) {
                content = true;
            }
        }
        return content ? count + 1 : count;
    }
}
