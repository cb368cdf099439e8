package firstcome.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's files under {@code ops/}: the Grafana dashboard ({@code ops/grafana/firstcome.json}),
 * the alert rules and the scrape configuration ({@code ops/prometheus/}), read as data, and the
 * PromQL expressions in them, each with where it stands.
 */
final class OpsFiles {

    /** One PromQL expression of a file: {@code where} names the panel or the alert. */
    record Expression(String where, String promQl) {
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private OpsFiles() {
    }

    /** {@code ops/<relative>}, from the build's base directory (this module's) or the working directory. */
    static Path path(String relative) {
        return Path.of(System.getProperty("basedir", ".")).resolve("../ops").resolve(relative).normalize();
    }

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(path("grafana/firstcome.json").toFile());
    }

    static JsonNode alerts() throws IOException {
        return YAML.readTree(path("prometheus/alerts.yml").toFile());
    }

    static JsonNode prometheus() throws IOException {
        return YAML.readTree(path("prometheus/prometheus.yml").toFile());
    }

    /** Every panel's targets' {@code expr}, rows' nested panels included. */
    static List<Expression> dashboardExpressions() throws IOException {
        List<Expression> expressions = new ArrayList<>();
        collectPanels(dashboard().path("panels"), expressions);
        return expressions;
    }

    private static void collectPanels(JsonNode panels, List<Expression> expressions) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    expressions.add(new Expression("panel \"" + panel.path("title").asText() + "\" (" + target.path("refId").asText()
                            + ")", target.get("expr").asText()));
                }
            }
            collectPanels(panel.path("panels"), expressions);
        }
    }

    /** Every rule's {@code expr}. */
    static List<Expression> alertExpressions() throws IOException {
        List<Expression> expressions = new ArrayList<>();
        for (JsonNode rule : rules()) {
            expressions.add(new Expression("alert " + rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText()));
        }
        return expressions;
    }

    /** Every rule of every group of the alert rules. */
    static List<JsonNode> rules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : alerts().path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }
}
