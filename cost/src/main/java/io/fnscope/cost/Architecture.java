package io.fnscope.cost;

import java.util.Locale;

/** Instruction set a function runs on; AWS Lambda prices duration by it, the other providers do not. */
public enum Architecture {
    X86_64("x86_64"),
    ARM64("arm64");

    private final String id;

    Architecture(String id) {
        this.id = id;
    }

    /** The name catalogs use: Lambda's own spelling ({@code x86_64}, {@code arm64}). */
    public String id() {
        return id;
    }

    /**
     * Reads Lambda's spelling and OTel's {@code host.arch} ({@code amd64}, {@code arm64}), plus the usual aliases
     * ({@code x86}, {@code x64}, {@code aarch64}, {@code arm}), in any case.
     *
     * @return the architecture, or null when unknown (the caller decides the default and flags it)
     */
    public static Architecture parse(String value) {
        if (value == null) {
            return null;
        }
        Architecture a = exact(value);
        return a != null ? a : exact(value.trim().toLowerCase(Locale.ROOT));
    }

    private static Architecture exact(String v) {
        return switch (v) {
            case "x86_64", "amd64", "x86", "x64", "x86-64" -> X86_64;
            case "arm64", "aarch64", "arm" -> ARM64;
            default -> null;
        };
    }
}
