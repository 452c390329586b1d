package io.fnscope.server;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is the list of fnscope's keys, and deploy/ sets them as environment variables in files no
 * test can run here (no Docker engine, no cluster). This keeps the three in step: every key the defaults set is
 * documented, every documented environment variable is its key's, and every {@code FNSCOPE_*} variable the deploy
 * files set names a documented key or one of the launch scripts' own variables, so a typo in a manifest (which
 * Micronaut would silently ignore) fails the build instead of a deployment.
 */
class ConfigurationDocsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern KEY_ROW = Pattern.compile("^\\| `(fnscope\\.[^`]+)` \\|(.*)$");
    private static final Pattern ENV_VAR = Pattern.compile("\\bFNSCOPE_[A-Z0-9_]+\\b");

    @Test
    void everyKeyTheDefaultsSetIsDocumented() throws IOException {
        Set<String> documented = documentedKeys().keySet();
        List<String> defaults = new ArrayList<>();
        for (String file : List.of("pipeline/src/main/resources/application.yml",
                "server/src/main/resources/application-distributed.yml")) {
            Map<String, Object> yaml = new Yaml().load(Files.readString(ROOT.resolve(file)));
            flatten("", yaml, defaults);
        }
        List<String> fnscopeKeys = defaults.stream().filter(k -> k.startsWith("fnscope.")).toList();
        assertThat(fnscopeKeys).hasSizeGreaterThan(10);
        assertThat(fnscopeKeys).allSatisfy(key -> assertThat(isDocumented(key, documented))
                .as("%s is set in application.yml but not in docs/configuration.md", key).isTrue());
    }

    @Test
    void everyDocumentedEnvironmentVariableIsItsKeys() throws IOException {
        Map<String, String> keys = documentedKeys();
        long withVariable = keys.values().stream().filter(v -> v != null).count();
        assertThat(withVariable).isGreaterThan(20);
        keys.forEach((key, variable) -> {
            if (variable != null && !key.contains("*") && !key.contains("<")) {
                assertThat(variable).as("the environment variable documented for %s", key).isEqualTo(envOf(key));
            }
        });
    }

    @Test
    void everyVariableTheDeployFilesSetNamesADocumentedKeyOrALaunchVariable() throws IOException {
        Set<String> documentedVariables = new TreeSet<>();
        documentedKeys().keySet().stream().filter(k -> !k.contains("*") && !k.contains("<"))
                .forEach(k -> documentedVariables.add(envOf(k)));
        String scripts = Files.readString(ROOT.resolve("bin/fnscope")) + Files.readString(ROOT.resolve("bin/lib/common.sh"))
                + Files.readString(ROOT.resolve("bin/fetch-chdb"));
        String deployDocs = Files.readString(ROOT.resolve("docs/deployment.md"));
        Set<String> checked = new TreeSet<>();
        for (String file : List.of("deploy/docker/compose.yml", "deploy/docker/Dockerfile",
                "deploy/kubernetes/fnscope.yaml", "deploy/systemd/fnscope.service")) {
            String text = Files.readString(ROOT.resolve(file));
            if (file.endsWith(".yml") || file.endsWith(".yaml")) {
                new Yaml().loadAll(text).forEach(doc -> assertThat(doc).as("%s parses", file).isNotNull());
            }
            Matcher m = ENV_VAR.matcher(text);
            while (m.find()) {
                String variable = m.group();
                checked.add(variable);
                boolean key = documentedVariables.contains(variable);
                // The launch scripts' own variables (heap, chDB library...), documented with the deployment.
                boolean launch = scripts.contains(variable) && deployDocs.contains(variable);
                // A compose substitution the file itself defaults (${FNSCOPE_CLICKHOUSE_PASSWORD:-change-me}).
                boolean substitution = text.contains("${" + variable + ":-");
                assertThat(key || launch || substitution)
                        .as("%s in %s is neither a documented key's variable nor a launch variable", variable, file)
                        .isTrue();
            }
        }
        assertThat(checked).contains("FNSCOPE_KAFKA_BOOTSTRAP_SERVERS", "FNSCOPE_CLICKHOUSE_SERVER_URL",
                "FNSCOPE_WRITER_ENABLED", "FNSCOPE_AUTH_KEYS_FILE");
    }

    @Test
    void aVariableNamesTheKeyMicronautMapsItTo() {
        assertThat(envOf("fnscope.kafka.bootstrap-servers")).isEqualTo("FNSCOPE_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(envOf("fnscope.cost.catalog-file")).isEqualTo("FNSCOPE_COST_CATALOG_FILE");
    }

    /** Documented keys, each with the environment variable its row gives (null in tables without that column). */
    private static Map<String, String> documentedKeys() throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("docs/configuration.md"))) {
            Matcher m = KEY_ROW.matcher(line);
            if (m.matches()) {
                String[] cells = m.group(2).split("\\|");
                String second = cells.length > 0 ? cells[0].strip() : "";
                keys.put(m.group(1), second.matches("`FNSCOPE_[A-Z0-9_]+`") ? second.replace("`", "") : null);
            }
        }
        assertThat(keys).as("keys found in docs/configuration.md").hasSizeGreaterThan(50);
        return keys;
    }

    /** A key or one of its documented ancestors that takes free-form children ({@code fnscope.kafka.client.*}). */
    private static boolean isDocumented(String key, Set<String> documented) {
        if (documented.contains(key)) {
            return true;
        }
        for (String d : documented) {
            int wildcard = d.indexOf('*') >= 0 ? d.indexOf('*') : d.indexOf('<');
            if (wildcard > 0 && key.startsWith(d.substring(0, wildcard))) {
                return true;
            }
        }
        return false;
    }

    /** Micronaut's environment-variable form of a key: upper case, dots and dashes as underscores. */
    static String envOf(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, List<String> out) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> child && !child.isEmpty()) {
                flatten(key, (Map<String, Object>) child, out);
            } else {
                out.add(key);
            }
        }
    }
}
