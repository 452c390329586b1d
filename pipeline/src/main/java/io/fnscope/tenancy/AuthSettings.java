package io.fnscope.tenancy;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.util.List;
import java.util.Map;

/**
 * Credentials: which bearer keys map to which tenant and role. See docs/security.md.
 *
 * @param keys                 inline keys: each entry has {@code tenant}, {@code sha256} (hex digest of the key),
 *                             {@code role} ({@code ingest}, {@code viewer}, {@code admin}) and an optional {@code name}
 * @param keysFile             a YAML file with a {@code keys:} list of the same shape; re-read when it changes, so keys
 *                             rotate without a restart
 * @param reloadSeconds        how often the keys file is checked for changes
 * @param allowUnauthenticated accept requests without a key even when listening beyond loopback (never in production)
 * @param anonymousTenant      the tenant of unauthenticated requests when running open
 */
@ConfigurationProperties("fnscope.auth")
public record AuthSettings(
        @Nullable List<Map<String, String>> keys,
        @Nullable String keysFile,
        @Bindable(defaultValue = "10") int reloadSeconds,
        @Bindable(defaultValue = "false") boolean allowUnauthenticated,
        @Bindable(defaultValue = "default") String anonymousTenant) {
}
