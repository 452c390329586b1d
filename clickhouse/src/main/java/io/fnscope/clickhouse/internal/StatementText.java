package io.fnscope.clickhouse.internal;

import io.fnscope.clickhouse.Column;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * SQL text the transports build around a caller's statement: the SETTINGS clause the embedded engine needs (chDB
 * has no per-query settings argument, and one connection is shared, so {@code SET} is not an option), and INSERT
 * heads. Setting names are checked identifiers and values are SQL string literals, so nothing here can carry SQL.
 */
public final class StatementText {

    private StatementText() {
    }

    /**
     * {@code sql} with its trailing semicolons and blanks removed, so that a clause can follow it. A clause is then
     * appended on a new line, so that a trailing {@code -- comment} cannot swallow it.
     */
    public static String trimmed(String sql) {
        int end = sql.length();
        while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
            end--;
        }
        if (end == 0) {
            throw new IllegalArgumentException("empty SQL statement");
        }
        return sql.substring(0, end);
    }

    /** {@code SETTINGS a = '1', b = 'x'}, or "" when there is nothing to set. */
    public static String settingsClause(Map<String, String> settings) {
        if (settings.isEmpty()) {
            return "";
        }
        return settings.entrySet().stream()
                .map(e -> Identifiers.requireIdentifier(e.getKey(), "setting name") + " = " + ParameterText.quoted(e.getValue()))
                .collect(Collectors.joining(", ", "SETTINGS ", ""));
    }

    /**
     * The statement with a SETTINGS clause for the embedded engine. ClickHouse reads a trailing SETTINGS clause as
     * query settings for SELECT, SHOW, DESCRIBE, EXISTS, ALTER, OPTIMIZE, DROP and CREATE DATABASE; on CREATE
     * TABLE / VIEW it would be read as <em>table</em> settings, so those are refused with settings rather than
     * silently misread.
     */
    public static String withSettings(String sql, Map<String, String> settings) {
        if (settings.isEmpty()) {
            return sql;
        }
        String head = firstKeywords(sql);
        if (head.startsWith("CREATE") && !head.startsWith("CREATE DATABASE") || head.startsWith("ATTACH")
                || head.startsWith("INSERT")) {
            throw new IllegalArgumentException("per-query settings cannot be appended to a " + head
                    + " statement (a trailing SETTINGS clause would be read as table settings); run it without options,"
                    + " or use insert(...) with InsertOptions for inserts");
        }
        return trimmed(sql) + "\n" + settingsClause(settings);
    }

    /** {@code (`a`, `b`)}. */
    public static String columnList(List<Column> columns) {
        return columns.stream().map(c -> Identifiers.quote(c.name())).collect(Collectors.joining(", ", "(", ")"));
    }

    /** {@code a T1, b T2}: the structure argument of the file() table function. */
    public static String structure(List<Column> columns) {
        return columns.stream().map(c -> Identifiers.quote(c.name()) + " " + c.type()).collect(Collectors.joining(", "));
    }

    /** The first two keywords of a statement, upper-cased, comments and parentheses skipped. */
    static String firstKeywords(String sql) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int words = 0;
        int n = sql.length();
        while (i < n && words < 2) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (Character.isLetter(c)) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                if (words > 0) {
                    out.append(' ');
                }
                out.append(sql, start, i);
                words++;
            } else {
                break;
            }
        }
        return out.toString().toUpperCase(java.util.Locale.ROOT);
    }
}
