package io.fnscope.server;

import io.fnscope.tenancy.KeyHash;
import io.micronaut.runtime.Micronaut;

import java.util.Arrays;
import java.util.Locale;

/**
 * Entry point of every fnscope process.
 *
 * <pre>
 *   fnscope                      run the roles that configuration enables (all of them by default)
 *   fnscope keygen --tenant T [--role ingest|viewer|admin]
 *                                print a new key and the configuration line that grants it
 * </pre>
 */
public final class Fnscope {
    private Fnscope() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("keygen")) {
            System.exit(keygen(Arrays.copyOfRange(args, 1, args.length)));
        }
        Micronaut.build(args)
                .mainClass(Fnscope.class)
                .banner(false)
                .start();
    }

    static int keygen(String[] args) {
        String tenant = null;
        String role = "ingest";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tenant" -> tenant = i + 1 < args.length ? args[++i] : null;
                case "--role" -> role = i + 1 < args.length ? args[++i].toLowerCase(Locale.ROOT) : null;
                default -> {
                    System.err.println("keygen: unknown argument " + args[i]);
                    return 2;
                }
            }
        }
        if (tenant == null || role == null || !role.matches("ingest|viewer|admin")) {
            System.err.println("usage: fnscope keygen --tenant <tenant> [--role ingest|viewer|admin]");
            return 2;
        }
        String key = KeyHash.newKey();
        System.out.println("key (give it to the " + (role.equals("ingest") ? "exporter" : "API client")
                + "; it is not stored anywhere): " + key);
        System.out.println("configuration entry (fnscope.auth.keys or the keys file):");
        System.out.printf("  - { tenant: %s, role: %s, name: %s-%s-%d, sha256: %s }%n",
                tenant, role, tenant, role, System.currentTimeMillis() / 1000, KeyHash.sha256Hex(key));
        return 0;
    }
}
