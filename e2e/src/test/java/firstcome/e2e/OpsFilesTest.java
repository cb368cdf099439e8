package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator's files hold together without a running service: every alert says how long, how bad,
 * what to do and where its runbook section is; every panel asks the dashboard's data source; the
 * scrape configuration names the three services on {@code make up}'s ports and loads the alerts.
 * (That the series they read exist: {@link DashboardMetricsIT}; that Prometheus takes the rules:
 * {@code make alerts-check}.)
 */
class OpsFilesTest {

    private static final Pattern ALERT_MENTION = Pattern.compile("alert ([A-Z][A-Za-z]+)");

    @Test
    void everyAlertWaitsHasASeverityAndSaysWhatToDoAndWhereItsRunbookSectionIs() throws Exception {
        List<JsonNode> rules = OpsFiles.rules();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(5);
        Set<String> names = new HashSet<>();
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            assertThat(alert).as("a rule's alert name").matches("[A-Z][A-Za-z]+");
            assertThat(names.add(alert)).as("%s named once", alert).isTrue();
            assertThat(rule.path("for").asText()).as("%s: for", alert).matches("[0-9]+[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as("%s: severity", alert).isIn("critical", "warning");
            assertThat(rule.path("annotations").path("summary").asText()).as("%s: summary", alert).isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as("%s: description", alert).hasSizeGreaterThan(80);
            assertThat(rule.path("annotations").path("runbook_url").asText()).as("%s: runbook_url", alert)
                    .isEqualTo("docs/runbook.md#" + alert.toLowerCase());
        }
        assertThat(names).contains("ProcessorNotRunning", "SinkLagGrowing", "SinkDeadLetters", "IngressUnavailable",
                "GateAuthorityDisagree");
    }

    @Test
    void everyPanelAsksTheDashboardsDataSourceVariable() throws Exception {
        JsonNode dashboard = OpsFiles.dashboard();
        assertThat(dashboard.path("schemaVersion").asInt()).isEqualTo(39);
        assertThat(dashboard.path("uid").asText()).isEqualTo("firstcome");
        JsonNode variable = dashboard.path("templating").path("list").get(0);
        assertThat(variable.path("name").asText()).isEqualTo("DS_PROMETHEUS");
        assertThat(variable.path("type").asText()).isEqualTo("datasource");
        assertThat(variable.path("query").asText()).isEqualTo("prometheus");

        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt())).as("panel %s: its id is unique", title).isTrue();
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as("panel %s: datasource", title).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("description").asText()).as("panel %s: description", title).isNotBlank();
            assertThat(panel.path("targets")).as("panel %s: targets", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).as("panel %s: target's datasource", title)
                        .isEqualTo("${DS_PROMETHEUS}");
            }
        }
    }

    @Test
    void everyExpressionNamesItsSeriesAndEveryAlertTheDashboardMentionsExists() throws Exception {
        List<OpsFiles.Expression> expressions = new ArrayList<>(OpsFiles.dashboardExpressions());
        expressions.addAll(OpsFiles.alertExpressions());
        for (OpsFiles.Expression expression : expressions) {
            assertThat(PromQlNames.of(expression.promQl())).as("%s: %s", expression.where(), expression.promQl()).isNotEmpty();
        }

        Set<String> alerts = new HashSet<>();
        OpsFiles.rules().forEach(rule -> alerts.add(rule.path("alert").asText()));
        Matcher mentions = ALERT_MENTION.matcher(OpsFiles.dashboard().toString());
        while (mentions.find()) {
            assertThat(alerts).as("the dashboard mentions alert %s", mentions.group(1)).contains(mentions.group(1));
        }
    }

    @Test
    void scrapesTheThreeServicesOnMakeUpsPortsAndLoadsTheAlerts() throws Exception {
        JsonNode prometheus = OpsFiles.prometheus();
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            List<String> targets = new ArrayList<>();
            job.path("static_configs").forEach(config -> config.path("targets").forEach(target -> targets.add(target.asText())));
            jobs.put(job.path("job_name").asText(), targets);
            assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
        }

        assertThat(jobs).containsExactly(Map.entry("ingress", List.of("localhost:8080")),
                Map.entry("streams-processor", List.of("localhost:8081")), Map.entry("sink", List.of("localhost:8082")));
        assertThat(prometheus.path("rule_files").get(0).asText()).isEqualTo("alerts.yml");
    }
}
