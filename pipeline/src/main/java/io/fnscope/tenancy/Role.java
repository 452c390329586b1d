package io.fnscope.tenancy;

/** What a credential may do. Ingest keys only send telemetry; API tokens read (viewer) or also configure (admin). */
public enum Role {
    INGEST, VIEWER, ADMIN;

    public static Role parse(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ingest" -> INGEST;
            case "viewer" -> VIEWER;
            case "admin" -> ADMIN;
            default -> throw new IllegalArgumentException("Unknown role '" + s + "'; expected ingest, viewer or admin");
        };
    }

    /** True if a credential of this role may act as {@code needed}: admin implies viewer; ingest is separate. */
    public boolean grants(Role needed) {
        return this == needed || (this == ADMIN && needed == VIEWER);
    }
}
