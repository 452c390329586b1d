package io.fnscope.clickhouse.internal;

import java.util.regex.Pattern;

/**
 * Names that end up in SQL text (databases, tables, columns, setting names) are checked here and quoted with
 * backticks, so no name can carry SQL. fnscope's own names are plain identifiers; anything else is refused.
 */
public final class Identifiers {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Identifiers() {
    }

    public static boolean isIdentifier(String s) {
        return s != null && s.length() <= 200 && IDENTIFIER.matcher(s).matches();
    }

    /** Returns {@code s}, or throws IllegalArgumentException naming {@code what}. */
    public static String requireIdentifier(String s, String what) {
        if (!isIdentifier(s)) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)");
        }
        return s;
    }

    /** {@code `name`}. */
    public static String quote(String identifier) {
        return "`" + requireIdentifier(identifier, "identifier") + "`";
    }

    /** {@code db.table} or {@code table} (then in {@code defaultDatabase}) as {@code `db`.`table`}. */
    public static String qualifiedTable(String table, String defaultDatabase) {
        int dot = table.indexOf('.');
        if (dot < 0) {
            return quote(defaultDatabase) + "." + quote(requireIdentifier(table, "table name"));
        }
        String db = table.substring(0, dot);
        String name = table.substring(dot + 1);
        return quote(requireIdentifier(db, "database name in " + table)) + "."
                + quote(requireIdentifier(name, "table name in " + table));
    }
}
