package io.fnscope.server;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/prometheus/fnscope-rules.yml cannot be loaded by a Prometheus here: this keeps it well-formed and its series
 * real, each one documented where fnscope documents its metrics, so that a renamed series fails the build instead of
 * leaving an alert that can never fire.
 */
class PrometheusRulesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern SERIES = Pattern.compile("\\bfnscope_[a-z_]+");

    @Test
    @SuppressWarnings("unchecked")
    void everyRuleIsCompleteAndNamesOnlyDocumentedSeries() throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus/fnscope-rules.yml")));
        List<Map<String, Object>> groups = (List<Map<String, Object>>) file.get("groups");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) groups.getFirst().get("rules");
        assertThat(rules).hasSizeGreaterThanOrEqualTo(6);
        String documented = Files.readString(ROOT.resolve("writer/RATIONALE.md"))
                + Files.readString(ROOT.resolve("docs/alerts.md"))
                + Files.readString(ROOT.resolve("docs/deployment.md"))
                + Files.readString(ROOT.resolve("collector/src/main/java/io/fnscope/collector/CollectorMetrics.java"));
        Set<String> known = new TreeSet<>();
        SERIES.matcher(documented).results().forEach(r -> known.add(r.group()));
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> rule : rules) {
            String name = (String) rule.get("alert");
            assertThat(alerts.add(name)).as("alert %s named once", name).isTrue();
            assertThat(name).startsWith("Fnscope");
            assertThat((Map<String, Object>) rule.get("labels")).as(name).containsKey("severity");
            assertThat((Map<String, Object>) rule.get("annotations")).as(name).containsKey("summary");
            String expr = (String) rule.get("expr");
            assertThat(balanced(expr)).as("%s: balanced brackets in %s", name, expr).isTrue();
            Matcher m = SERIES.matcher(expr);
            int series = 0;
            while (m.find()) {
                String base = m.group().replaceAll("_(bucket|count|sum)$", "");
                assertThat(known).as("%s uses %s, which no metrics table documents", name, base).contains(base);
                series++;
            }
            assertThat(series).as("%s reads a fnscope series", name).isPositive();
        }
    }

    private static boolean balanced(String expr) {
        int round = 0;
        int square = 0;
        int curly = 0;
        for (char c : expr.toCharArray()) {
            switch (c) {
                case '(' -> round++;
                case ')' -> round--;
                case '[' -> square++;
                case ']' -> square--;
                case '{' -> curly++;
                case '}' -> curly--;
                default -> { }
            }
            if (round < 0 || square < 0 || curly < 0) {
                return false;
            }
        }
        return round == 0 && square == 0 && curly == 0;
    }
}
