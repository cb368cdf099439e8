package firstcome.e2e;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The series some services' {@code /metrics} export, by name with their label names, and what of a
 * dashboard's or an alert's expressions they lack ({@link #missing}).
 *
 * <p>Names are matched as Prometheus stores them: a histogram or a timer is read through its
 * {@code _bucket}, {@code _sum} and {@code _count} series (a bare histogram name matches nothing, as in
 * Prometheus). {@code up} is made by Prometheus at each scrape, not exported; {@code job} and
 * {@code instance} are the labels the scrape adds ({@code ops/prometheus/prometheus.yml}).
 */
final class ExportedSeries {

    /** Series Prometheus makes itself for every target. */
    static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");
    /** Labels Prometheus adds to every scraped series. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    private final Map<String, Set<String>> series = new TreeMap<>();

    /** The union of the scrapes {@code texts} (the Prometheus text format). */
    static ExportedSeries of(Collection<String> texts) {
        var exported = new ExportedSeries();
        texts.forEach(exported::add);
        return exported;
    }

    /** Series name to its label names. */
    Map<String, Set<String>> byName() {
        return series;
    }

    /** Each sample line {@code name{label="value",...} value}; comments and blank lines skipped. */
    private void add(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            boolean labelled = brace >= 0 && (space < 0 || brace < space);
            Set<String> labels = series.computeIfAbsent(line.substring(0, labelled ? brace : space), n -> new TreeSet<>());
            if (labelled) {
                labels.addAll(labelNames(line.substring(brace + 1, line.lastIndexOf('}'))));
            }
        }
    }

    /** The names of {@code a="1",b="x\"y"}: each before its {@code =}, values skipped with their escapes. */
    private static List<String> labelNames(String labels) {
        List<String> names = new ArrayList<>();
        int at = 0;
        while (at < labels.length()) {
            int equals = labels.indexOf('=', at);
            if (equals < 0) {
                break;
            }
            names.add(labels.substring(at, equals).trim());
            int i = equals + 2;
            while (i < labels.length() && labels.charAt(i) != '"') {
                i += labels.charAt(i) == '\\' ? 2 : 1;
            }
            at = i + 1;
            while (at < labels.length() && (labels.charAt(at) == ',' || labels.charAt(at) == ' ')) {
                at++;
            }
        }
        return names;
    }

    /**
     * For each expression, each series ({@link PromQlNames}) exported by none of the scrapes, or whose
     * matchers name a label none of its series has; one line each, naming where the expression stands.
     */
    List<String> missing(List<OpsFiles.Expression> expressions) {
        List<String> missing = new ArrayList<>();
        for (OpsFiles.Expression expression : expressions) {
            for (var used : PromQlNames.of(expression.promQl()).entrySet()) {
                String name = used.getKey();
                if (MADE_BY_PROMETHEUS.contains(name)) {
                    continue;
                }
                Set<String> labels = series.get(name);
                if (labels == null) {
                    missing.add(expression.where() + ": " + name + " is exported by no service");
                    continue;
                }
                for (String label : used.getValue()) {
                    if (!labels.contains(label) && !TARGET_LABELS.contains(label)) {
                        missing.add(expression.where() + ": " + name + " has no label " + label + " (it has " + labels + ")");
                    }
                }
            }
        }
        return missing;
    }
}
