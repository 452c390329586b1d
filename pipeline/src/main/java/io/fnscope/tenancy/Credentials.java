package io.fnscope.tenancy;

import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Maps bearer keys to {@link Principal}s. Keys come hashed from {@code fnscope.auth.keys} and from an optional keys
 * file that is re-read when it changes (rotation without restart: add the new key, move clients, remove the old).
 *
 * <p>With no key of a kind configured, that kind of request is accepted as {@code fnscope.auth.anonymous-tenant}
 * only while fnscope listens on loopback alone (the all-in-one on a laptop) or when
 * {@code fnscope.auth.allow-unauthenticated} says so; otherwise start-up fails, because an open collector on a
 * network would let anyone write into any tenant.
 */
@Singleton
public class Credentials implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Why a request was refused; mapped to 401 or 403 by each transport. */
    public enum Failure { MISSING, UNKNOWN, FORBIDDEN }

    /** Either a principal or a failure. */
    public record Result(Principal principal, Failure failure) {
        public boolean ok() {
            return principal != null;
        }

        public String message() {
            return switch (failure) {
                case MISSING -> "missing credentials: send 'Authorization: Bearer <key>'";
                case UNKNOWN -> "unknown or revoked key";
                case FORBIDDEN -> "this key may not do that";
                case null -> "ok";
            };
        }
    }

    private final AuthSettings settings;
    private final boolean openIngest;
    private final boolean openApi;
    private final ScheduledExecutorService reloader;
    private volatile Map<String, Principal> byHash;
    private volatile FileTime fileStamp;
    private String lastReloadError;

    public Credentials(AuthSettings settings, @Value("${fnscope.listen-host:127.0.0.1}") String listenHost) {
        this.settings = settings;
        this.byHash = load();
        boolean loopback = isLoopback(listenHost);
        boolean hasIngest = byHash.values().stream().anyMatch(p -> p.role() == Role.INGEST);
        boolean hasApi = byHash.values().stream().anyMatch(p -> p.role() != Role.INGEST);
        this.openIngest = !hasIngest && (loopback || settings.allowUnauthenticated());
        this.openApi = !hasApi && (loopback || settings.allowUnauthenticated());
        if (!hasIngest && !openIngest) {
            throw new IllegalStateException("No ingest keys are configured and fnscope listens on " + listenHost
                    + ", beyond loopback. Add keys under fnscope.auth.keys or in FNSCOPE_AUTH_KEYS_FILE (docs/security.md;"
                    + " 'bin/fnscope keygen --tenant <name>' makes one), or set FNSCOPE_AUTH_ALLOW_UNAUTHENTICATED=true"
                    + " to run open on purpose.");
        }
        if (!hasApi && !openApi) {
            throw new IllegalStateException("No API tokens (role viewer or admin) are configured and fnscope listens on "
                    + listenHost + ", beyond loopback. Add tokens under fnscope.auth.keys or in FNSCOPE_AUTH_KEYS_FILE"
                    + " (docs/security.md), or set FNSCOPE_AUTH_ALLOW_UNAUTHENTICATED=true to run open on purpose.");
        }
        if (openIngest || openApi) {
            LOG.warn("fnscope accepts {} WITHOUT credentials as tenant '{}' ({}). Configure keys before exposing it:"
                            + " see docs/security.md.",
                    openIngest && openApi ? "telemetry and API requests" : openIngest ? "telemetry" : "API requests",
                    settings.anonymousTenant(),
                    loopback ? "listening on loopback only" : "fnscope.auth.allow-unauthenticated=true");
        }
        if (settings.keysFile() != null && !settings.keysFile().isBlank()) {
            reloader = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fnscope-keys-reload");
                t.setDaemon(true);
                return t;
            });
            int every = Math.max(1, settings.reloadSeconds());
            reloader.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.SECONDS);
        } else {
            reloader = null;
        }
    }

    /**
     * Checks an {@code Authorization} header value.
     *
     * @param authorization the header as received, or null
     * @param needed        the role the operation needs
     */
    public Result authenticate(String authorization, Role needed) {
        boolean open = needed == Role.INGEST ? openIngest : openApi;
        String key = bearer(authorization);
        if (key == null) {
            return open ? new Result(anonymous(needed), null) : new Result(null, Failure.MISSING);
        }
        Principal p = byHash.get(KeyHash.sha256Hex(key));
        if (p == null) {
            // An open all-in-one still accepts whatever key an exporter happens to send.
            return open ? new Result(anonymous(needed), null) : new Result(null, Failure.UNKNOWN);
        }
        return p.role().grants(needed) ? new Result(p, null) : new Result(null, Failure.FORBIDDEN);
    }

    public boolean isOpen(Role role) {
        return role == Role.INGEST ? openIngest : openApi;
    }

    private Principal anonymous(Role needed) {
        return new Principal(settings.anonymousTenant(), needed == Role.INGEST ? Role.INGEST : Role.ADMIN, "anonymous");
    }

    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.trim();
        if (v.length() > 7 && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = v.substring(7).trim();
            return key.isEmpty() ? null : key;
        }
        return null;
    }

    private void reloadIfChanged() {
        try {
            FileTime stamp = Files.getLastModifiedTime(Path.of(settings.keysFile()));
            if (!stamp.equals(fileStamp)) {
                byHash = load();
            }
            lastReloadError = null;
        } catch (IOException | RuntimeException e) {
            String error = e instanceof java.nio.file.NoSuchFileException ? "file not found" : e.getMessage();
            if (!error.equals(lastReloadError)) {
                LOG.error("Keeping the current keys: cannot reload {}: {}", settings.keysFile(), error);
            }
            lastReloadError = error;
        }
    }

    private Map<String, Principal> load() {
        List<Map<String, String>> entries = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        if (settings.keys() != null) {
            for (int i = 0; i < settings.keys().size(); i++) {
                entries.add(settings.keys().get(i));
                origins.add("fnscope.auth.keys[" + i + "]");
            }
        }
        if (settings.keysFile() != null && !settings.keysFile().isBlank()) {
            List<Map<String, String>> fromFile = readKeysFile(Path.of(settings.keysFile()));
            for (int i = 0; i < fromFile.size(); i++) {
                entries.add(fromFile.get(i));
                origins.add(settings.keysFile() + " keys[" + i + "]");
            }
        }
        Map<String, Principal> map = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Map<String, String> e = entries.get(i);
            String where = origins.get(i);
            String tenant = require(e, "tenant", where);
            if (!TENANT.matcher(tenant).matches()) {
                throw new IllegalArgumentException(where + ": tenant '" + tenant
                        + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            String hash = require(e, "sha256", where).toLowerCase(Locale.ROOT);
            if (!SHA256_HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException(where + ": sha256 must be the 64-hex-digit SHA-256 of the key"
                        + " (bin/fnscope keygen prints it); store the digest, not the key");
            }
            Role role = Role.parse(e.getOrDefault("role", "ingest"));
            String name = e.getOrDefault("name", tenant + "-" + role.name().toLowerCase(Locale.ROOT) + "-" + (i + 1));
            if (map.put(hash, new Principal(tenant, role, name)) != null) {
                throw new IllegalArgumentException(where + ": the same key is configured twice");
            }
        }
        long tenants = map.values().stream().map(Principal::tenant).distinct().count();
        LOG.info("Loaded {} keys for {} tenants", map.size(), tenants);
        return Map.copyOf(map);
    }

    private List<Map<String, String>> readKeysFile(Path file) {
        try {
            fileStamp = Files.getLastModifiedTime(file);
            try (Reader r = Files.newBufferedReader(file)) {
                Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
                if (!(doc instanceof Map<?, ?> m) || !(m.get("keys") instanceof List<?> list)) {
                    throw new IllegalArgumentException("Keys file " + file + " must hold a 'keys:' list");
                }
                List<Map<String, String>> out = new ArrayList<>();
                for (Object o : list) {
                    if (!(o instanceof Map<?, ?> entry)) {
                        throw new IllegalArgumentException("Keys file " + file + ": every entry of 'keys' must be a map");
                    }
                    Map<String, String> e = new HashMap<>();
                    entry.forEach((k, v) -> e.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
                    out.add(e);
                }
                return out;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read keys file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> e, String field, String where) {
        String v = e.get(field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(where + " has no '" + field + "'");
        }
        return v.trim();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @PreDestroy
    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
