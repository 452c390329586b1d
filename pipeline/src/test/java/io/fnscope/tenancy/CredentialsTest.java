package io.fnscope.tenancy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsTest {
    static final String ACME_INGEST = "fns_acmeIngestKey000000000000000000";
    static final String ACME_VIEWER = "fns_acmeViewerKey000000000000000000";
    static final String BETA_ADMIN = "fns_betaAdminKey0000000000000000000";

    static Map<String, String> key(String tenant, String role, String secret) {
        return Map.of("tenant", tenant, "role", role, "sha256", KeyHash.sha256Hex(secret));
    }

    static AuthSettings settings(List<Map<String, String>> keys, String file) {
        return new AuthSettings(keys, file, 1, false, "default");
    }

    @Test
    void mapsKeysToTenantAndRole() {
        var creds = new Credentials(settings(List.of(
                key("acme", "ingest", ACME_INGEST), key("acme", "viewer", ACME_VIEWER), key("beta", "admin", BETA_ADMIN)),
                null), "0.0.0.0");

        var ingest = creds.authenticate("Bearer " + ACME_INGEST, Role.INGEST);
        assertThat(ingest.ok()).isTrue();
        assertThat(ingest.principal().tenant()).isEqualTo("acme");

        assertThat(creds.authenticate("bearer " + BETA_ADMIN, Role.VIEWER).principal().tenant()).isEqualTo("beta");
        assertThat(creds.authenticate("Bearer " + ACME_VIEWER, Role.ADMIN).failure()).isEqualTo(Credentials.Failure.FORBIDDEN);
        // An ingest key does not read, and an API token does not ingest.
        assertThat(creds.authenticate("Bearer " + ACME_INGEST, Role.VIEWER).failure()).isEqualTo(Credentials.Failure.FORBIDDEN);
        assertThat(creds.authenticate("Bearer " + ACME_VIEWER, Role.INGEST).failure()).isEqualTo(Credentials.Failure.FORBIDDEN);
    }

    @Test
    void refusesMissingAndUnknownKeysWhenKeysAreConfigured() {
        var creds = new Credentials(settings(List.of(key("acme", "ingest", ACME_INGEST), key("acme", "admin", BETA_ADMIN)),
                null), "127.0.0.1");
        assertThat(creds.authenticate(null, Role.INGEST).failure()).isEqualTo(Credentials.Failure.MISSING);
        assertThat(creds.authenticate("Basic abc", Role.INGEST).failure()).isEqualTo(Credentials.Failure.MISSING);
        assertThat(creds.authenticate("Bearer ", Role.INGEST).failure()).isEqualTo(Credentials.Failure.MISSING);
        var unknown = creds.authenticate("Bearer fns_nope", Role.INGEST);
        assertThat(unknown.failure()).isEqualTo(Credentials.Failure.UNKNOWN);
        assertThat(unknown.message()).isEqualTo("unknown or revoked key");
    }

    @Test
    void runsOpenOnLoopbackWithoutKeys() {
        var creds = new Credentials(settings(null, null), "127.0.0.1");
        assertThat(creds.isOpen(Role.INGEST)).isTrue();
        var r = creds.authenticate(null, Role.INGEST);
        assertThat(r.principal()).isEqualTo(new Principal("default", Role.INGEST, "anonymous"));
        assertThat(creds.authenticate("Bearer whatever", Role.VIEWER).principal().tenant()).isEqualTo("default");
    }

    @Test
    void refusesToStartOpenBeyondLoopback() {
        assertThatThrownBy(() -> new Credentials(settings(null, null), "0.0.0.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No ingest keys are configured and fnscope listens on 0.0.0.0")
                .hasMessageContaining("FNSCOPE_AUTH_ALLOW_UNAUTHENTICATED=true");
        // Explicitly opened: starts.
        var open = new Credentials(new AuthSettings(null, null, 1, true, "lab"), "0.0.0.0");
        assertThat(open.authenticate(null, Role.INGEST).principal().tenant()).isEqualTo("lab");
    }

    @Test
    void rejectsBadEntriesNamingTheField() {
        assertThatThrownBy(() -> new Credentials(settings(List.of(Map.of("tenant", "acme", "sha256", ACME_INGEST)), null), "127.0.0.1"))
                .hasMessageContaining("fnscope.auth.keys[0]: sha256 must be the 64-hex-digit SHA-256 of the key");
        assertThatThrownBy(() -> new Credentials(settings(List.of(key("acme corp", "ingest", ACME_INGEST)), null), "127.0.0.1"))
                .hasMessageContaining("tenant 'acme corp' must be 1-64 letters");
        assertThatThrownBy(() -> new Credentials(settings(List.of(key("acme", "root", ACME_INGEST)), null), "127.0.0.1"))
                .hasMessageContaining("Unknown role 'root'");
    }

    @Test
    void reloadsTheKeysFileWithoutRestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.yml");
        Files.writeString(file, "keys:\n  - {tenant: acme, role: ingest, sha256: " + KeyHash.sha256Hex(ACME_INGEST) + "}\n"
                + "  - {tenant: acme, role: admin, sha256: " + KeyHash.sha256Hex(BETA_ADMIN) + "}\n");
        try (var creds = new Credentials(settings(null, file.toString()), "0.0.0.0")) {
            assertRotation(creds, file);
        }
    }

    private static void assertRotation(Credentials creds, Path file) throws Exception {
        assertThat(creds.authenticate("Bearer " + ACME_INGEST, Role.INGEST).ok()).isTrue();

        String rotated = "fns_rotatedKey0000000000000000000000";
        Files.writeString(file, "keys:\n  - {tenant: acme, role: ingest, sha256: " + KeyHash.sha256Hex(rotated) + "}\n"
                + "  - {tenant: acme, role: admin, sha256: " + KeyHash.sha256Hex(BETA_ADMIN) + "}\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        long deadline = System.currentTimeMillis() + 10_000;
        while (creds.authenticate("Bearer " + rotated, Role.INGEST).failure() != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(creds.authenticate("Bearer " + rotated, Role.INGEST).ok()).isTrue();
        assertThat(creds.authenticate("Bearer " + ACME_INGEST, Role.INGEST).failure()).isEqualTo(Credentials.Failure.UNKNOWN);

        // A broken edit keeps the last good keys.
        Files.writeString(file, "keys: [ {tenant: acme} ]\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(2_500);
        assertThat(creds.authenticate("Bearer " + rotated, Role.INGEST).ok()).isTrue();
    }

    @Test
    void newKeysAreRandomAndHashable() {
        String a = KeyHash.newKey();
        assertThat(a).startsWith("fns_").hasSize(36);
        assertThat(KeyHash.newKey()).isNotEqualTo(a);
        assertThat(KeyHash.sha256Hex("test")).isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    }
}
