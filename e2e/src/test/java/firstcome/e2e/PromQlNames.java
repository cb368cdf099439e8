package firstcome.e2e;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The series a PromQL expression (a Grafana target or an alert's {@code expr}) reads: each metric
 * name with the label names its matchers use. There is no maintained PromQL parser for Java, and
 * this needs only the names, so it is a small tokenizer over the grammar's lexical rules:
 * <ul>
 *   <li>an identifier ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) is a metric name unless it is followed by
 *       {@code (} (a function or an aggregation: {@code rate(}, {@code sum(}, {@code histogram_quantile(}),
 *       is a keyword ({@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left},
 *       {@code group_right}, whose parenthesized label list is skipped with it; {@code and}, {@code or},
 *       {@code unless}, {@code bool}, {@code offset}, {@code atan2}, the aggregation operators, which may
 *       come before their clause: {@code sum by (le) (...)}) or a literal ({@code inf}, {@code nan});</li>
 *   <li>{@code {...}} after a name holds its matchers: their label names are collected, their values
 *       (strings, with Grafana variables in them) skipped; {@code [...]} (ranges, subqueries,
 *       {@code $__rate_interval}), numbers, durations, strings and Grafana's {@code $variables} and
 *       {@code ${variables}} are skipped.</li>
 * </ul>
 * A selector without a name ({@code {__name__=~"..."}}) names nothing, and is refused: the check
 * could not tell what it reads.
 */
final class PromQlNames {

    private static final Set<String> LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
            // Aggregation operators are keywords too, and may be followed by their clause: sum by (le) (...).
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");

    private final String expression;
    private int at;
    private final Map<String, Set<String>> series = new TreeMap<>();

    private PromQlNames(String expression) {
        this.expression = expression;
    }

    /** Metric name to the label names its matchers use (empty for a bare name), in name order. */
    static Map<String, Set<String>> of(String expression) {
        var names = new PromQlNames(expression);
        names.scan();
        return names.series;
    }

    private void scan() {
        while (at < expression.length()) {
            char c = expression.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (c == '[') {
                skipTo(']');
            } else if (c == '{') {
                throw new IllegalArgumentException("a selector without a metric name at " + at + " of: " + expression);
            } else if (c == '$') {
                at++;
                if (at < expression.length() && expression.charAt(at) == '{') {
                    skipTo('}');
                } else {
                    skipWord();
                }
            } else if (Character.isDigit(c) || c == '.' && at + 1 < expression.length() && Character.isDigit(expression.charAt(at + 1))) {
                skipWord();
            } else if (identifierStart(c)) {
                identifier();
            } else {
                at++;
            }
        }
    }

    private void identifier() {
        int start = at;
        while (at < expression.length() && identifierPart(expression.charAt(at))) {
            at++;
        }
        String word = expression.substring(start, at);
        int next = nextNonSpace();
        boolean call = next < expression.length() && expression.charAt(next) == '(';
        if (LIST_KEYWORDS.contains(word)) {
            if (call) {
                at = next;
                skipTo(')');
            }
        } else if (KEYWORDS.contains(word.toLowerCase()) || call) {
            return;
        } else {
            Set<String> labels = series.computeIfAbsent(word, name -> new LinkedHashSet<>());
            if (next < expression.length() && expression.charAt(next) == '{') {
                at = next + 1;
                matchers(labels);
            }
        }
    }

    /** Inside {@code {...}}: label names before their operator, values skipped; ends after the closing brace. */
    private void matchers(Set<String> labels) {
        while (at < expression.length()) {
            char c = expression.charAt(at);
            if (c == '}') {
                at++;
                return;
            } else if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (identifierStart(c)) {
                int start = at;
                while (at < expression.length() && identifierPart(expression.charAt(at))) {
                    at++;
                }
                labels.add(expression.substring(start, at));
            } else {
                at++;
            }
        }
        throw new IllegalArgumentException("an unclosed { in: " + expression);
    }

    private void skipString() {
        char quote = expression.charAt(at++);
        while (at < expression.length()) {
            char c = expression.charAt(at++);
            if (c == '\\' && quote != '`') {
                at++;
            } else if (c == quote) {
                return;
            }
        }
        throw new IllegalArgumentException("an unclosed string in: " + expression);
    }

    private void skipTo(char close) {
        int start = at;
        while (at < expression.length()) {
            char c = expression.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
                continue;
            }
            at++;
            if (c == close) {
                return;
            }
        }
        throw new IllegalArgumentException("no " + close + " after position " + start + " in: " + expression);
    }

    private void skipWord() {
        while (at < expression.length() && (identifierPart(expression.charAt(at)) || expression.charAt(at) == '.')) {
            at++;
        }
    }

    private int nextNonSpace() {
        int i = at;
        while (i < expression.length() && Character.isWhitespace(expression.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean identifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
    }

    private static boolean identifierPart(char c) {
        return identifierStart(c) || c >= '0' && c <= '9';
    }
}
