package io.fnscope.server;

import io.fnscope.pipeline.Topics;
import io.fnscope.tenancy.KeyHash;
import io.fnscope.writer.DeadLetterTool;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import io.micronaut.runtime.Micronaut;
import org.apache.kafka.clients.CommonClientConfigs;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Entry point of every fnscope process.
 *
 * <pre>
 *   fnscope                      run the roles that configuration enables (all of them by default)
 *   fnscope keygen --tenant T [--role ingest|viewer|admin]
 *                                print a new key and the configuration line that grants it
 *   fnscope dead-letters [--reason R] [--tenant T] [--replay]
 *                                list what the writer could not store; send it back once the cause is fixed
 * </pre>
 */
public final class Fnscope {
    private Fnscope() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("keygen")) {
            System.exit(keygen(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("dead-letters")) {
            System.exit(deadLetters(Arrays.copyOfRange(args, 1, args.length)));
        }
        Micronaut.build(args)
                .mainClass(Fnscope.class)
                .banner(false)
                .start();
    }

    /**
     * Reads the Kafka settings the way a fnscope process does (application.yml, the active environments, environment
     * variables), without starting one: starting would start the roles, and in the all-in-one an embedded broker
     * beside the running one. So the all-in-one's broker is reached at its configured address while it runs.
     */
    static int deadLetters(String[] args) {
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).build()) {
            Environment env = context.getEnvironment().start();
            boolean embedded = env.getProperty("fnscope.kafka.embedded.enabled", Boolean.class, false);
            String bootstrap;
            if (embedded) {
                int port = env.getProperty("fnscope.kafka.embedded.port", Integer.class, 9092);
                if (port == 0) {
                    System.err.println("dead-letters: the embedded broker's port is chosen at start-up"
                            + " (fnscope.kafka.embedded.port=0); give it a fixed port to reach it");
                    return 2;
                }
                bootstrap = env.getProperty("fnscope.kafka.embedded.host", String.class, "127.0.0.1") + ":" + port;
            } else {
                bootstrap = env.getProperty("fnscope.kafka.bootstrap-servers", String.class, "localhost:9092");
            }
            Map<String, Object> client = new HashMap<>(env.getProperties("fnscope.kafka.client", StringConvention.RAW));
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            client.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            client.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
            Topics topics = new Topics(env.getProperty("fnscope.kafka.topic-prefix", String.class, "fnscope."));
            return new DeadLetterTool(client, topics, System.out).run(args, System.err);
        }
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
