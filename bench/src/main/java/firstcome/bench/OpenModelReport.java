package firstcome.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The open model's figures ({@link OpenModelRun}) for {@code make bench}'s report: rows of the
 * table, a table with every rate, and the pictures (inline SVG): latency percentiles against the
 * offered rate, the answers' shares per rate, and each rate's p99 over time.
 */
final class OpenModelReport {

    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] PERCENTILE_COLOURS = {"#2ca02c", "#1f77b4", "#ff7f0e", "#d62728"};
    private static final String[] RATE_COLOURS = {"#2ca02c", "#ff7f0e", "#d62728", "#9467bd"};

    private OpenModelReport() {
    }

    /** Rows of the make bench table: one per rate, then where the 503s begin. */
    static List<String[]> rows(OpenModelRun.Result result) {
        String ceiling = String.format(Locale.ROOT, "closed-loop probe, same run: %,.0f accepted/s (%d connections, %,d applications, load %s)",
                result.sustainableRate(), Math.min(OpenModelRun.PROBE_CONNECTIONS, result.connections()), result.probe().applications(),
                result.probeLoad());
        List<String[]> rows = new ArrayList<>();
        for (OpenModelRun.Rate r : result.rates()) {
            OpenModelLoad.Result l = r.load();
            rows.add(new String[] {String.format(Locale.ROOT, "10. open model, %d× the sustainable rate: %,.0f applications/s for %.0f s "
                            + "(fresh event, distinct users; %d connections, at most %,d outstanding); latency from the intended send time",
                    r.multiplier(), l.rate(), l.seconds(), result.connections(), l.maxOutstanding()),
                    measured(r), ceiling, ratio(l.answeredRate() / l.offeredRate()) + " answered/offered"});
        }
        rows.add(new String[] {"10. open model: where 503s begin", where503s(result), "—", "—"});
        return rows;
    }

    private static String measured(OpenModelRun.Rate r) {
        OpenModelLoad.Result l = r.load();
        Histogram h = l.latency();
        return String.format(Locale.ROOT, "offered %,.0f/s, answered %,.0f/s · %s · p50/p90/p99/p99.9 %s ms (max %s) · first 503 %s"
                        + " · %,d of %,d rows in MySQL %.1f s after the last answer · load %s → %s",
                l.offeredRate(), l.answeredRate(), statuses(l), percentiles(h), ms(h.getMaxValue()),
                Double.isNaN(l.first503Seconds()) ? "none" : String.format(Locale.ROOT, "at %.1f s", l.first503Seconds()),
                r.rows(), l.count(202), r.settleSeconds(), first(r.loadBefore()), first(r.loadAfter()));
    }

    static String statuses(OpenModelLoad.Result l) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "202 ×%,d, 503 with Retry-After ×%,d, other ×%,d",
                l.count(202), l.unavailable(true), l.other()));
        if (l.unavailable(false) > 0) {
            s.append(String.format(Locale.ROOT, " (of which 503 without Retry-After ×%,d)", l.unavailable(false)));
        }
        s.append(String.format(Locale.ROOT, ", no answer ×%,d", l.count(OpenModelLoad.NO_ANSWER)));
        if (!l.errors().isEmpty()) {
            s.append(' ').append(l.errors());
        }
        s.append(String.format(Locale.ROOT, ", not sent (%,d outstanding) ×%,d, sent >%d ms after its time ×%,d", l.maxOutstanding(),
                l.notSent(), OpenModelLoad.LATE_NANOS / 1_000_000, l.late()));
        return s.toString();
    }

    static String where503s(OpenModelRun.Result result) {
        OpenModelRun.Rate first = result.first503();
        if (first == null) {
            OpenModelRun.Rate top = result.rates().get(result.rates().size() - 1);
            return String.format(Locale.ROOT, "no 503 at any rate, up to %d× (%,.0f/s offered)", top.multiplier(),
                    top.load().offeredRate());
        }
        OpenModelLoad.Result l = first.load();
        return String.format(Locale.ROOT, "at %d× (%,.0f/s offered): the first 503 %.1f s into its %.0f s; %,d 503s there (%.2f%% of the due applications)",
                first.multiplier(), l.offeredRate(), l.first503Seconds(), l.seconds(), l.count(503),
                100.0 * l.count(503) / l.planned());
    }

    /** A line for the run's progress output. */
    static String summary(OpenModelRun.Rate r) {
        OpenModelLoad.Result l = r.load();
        return String.format(Locale.ROOT, "open model %d×: offered %,.0f/s, answered %,.0f/s; %s; p50/p90/p99/p99.9 %s ms; first 503 %s; load %s → %s",
                r.multiplier(), l.offeredRate(), l.answeredRate(), statuses(l), percentiles(l.latency()),
                Double.isNaN(l.first503Seconds()) ? "none" : String.format(Locale.ROOT, "at %.1f s", l.first503Seconds()),
                r.loadBefore(), r.loadAfter());
    }

    /** Every rate in one table, for the markdown report. */
    static String markdown(OpenModelRun.Result result) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Open model (%.0f s in all): applications at a fixed rate, each sent at its intended time "
                        + "whatever happened to the earlier ones, or as soon as one of %d keep-alive connections is free after it "
                        + "(Java HttpClient `sendAsync`, HTTP/1.1; the ingress admits %d per client address); at most %,d outstanding "
                        + "(in flight and waiting): an application due beyond that is not sent, and counted. Latency from the "
                        + "intended send time (HdrHistogram, every HTTP answer). The rate the stack sustains: a closed-loop probe "
                        + "of %,d applications from %d of the same connections to a fresh event, %,.0f accepted/s (load average %s).%n%n",
                result.seconds(), result.connections(), result.connections() + 4, OpenModelRun.MAX_OUTSTANDING,
                result.probe().applications(), Math.min(OpenModelRun.PROBE_CONNECTIONS, result.connections()),
                result.sustainableRate(), result.probeLoad()));
        md.append("| rate | due/s | offered/s | answered/s | 202 | 503 (Retry-After) | other | no answer | not sent | sent >10 ms late | "
                + "p50 | p90 | p99 | p99.9 | max | first 503 | rows, settled after | load average before → after |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (OpenModelRun.Rate r : result.rates()) {
            OpenModelLoad.Result l = r.load();
            Histogram h = l.latency();
            md.append(String.format(Locale.ROOT, "| %d× | %,.0f | %,.0f | %,.0f | %,d | %,d | %,d | %,d | %,d | %,d | %s | %s | %s | %s | %s | %s | %,d, %.1f s | %s → %s |%n",
                    r.multiplier(), l.rate(), l.offeredRate(), l.answeredRate(), l.count(202), l.unavailable(true), l.other(),
                    l.count(OpenModelLoad.NO_ANSWER), l.notSent(), l.late(),
                    ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
                    Double.isNaN(l.first503Seconds()) ? "—" : String.format(Locale.ROOT, "%.1f s", l.first503Seconds()),
                    r.rows(), r.settleSeconds(), r.loadBefore(), r.loadAfter()));
        }
        md.append("\nWhere 503s begin: ").append(where503s(result)).append(".\n");
        return md.toString();
    }

    // --- the pictures -------------------------------------------------------------------------

    static String html(OpenModelRun.Result result) {
        StringBuilder h = new StringBuilder();
        h.append(String.format(Locale.ROOT, "<h2>Open model: applications at 1×, 2× and 4× the rate the stack sustains (%,.0f/s)</h2>",
                result.sustainableRate()));
        h.append("<p>Each application is sent at its intended time whatever happened to the earlier ones; latency runs from ")
                .append("that time to the answer, so queueing shows in full. The sustainable rate is a closed-loop probe's ")
                .append("accepted applications per second in this run. Where 503s begin: ").append(esc(where503s(result)))
                .append(".</p>");
        h.append("<p>Latency from the intended send time against the offered rate: the applications due per second (ms, logarithmic).</p>");
        String[] names = new String[PERCENTILES.length];
        for (int p = 0; p < PERCENTILES.length; p++) {
            names[p] = "p" + (PERCENTILES[p] == Math.rint(PERCENTILES[p]) ? Integer.toString((int) PERCENTILES[p]) : PERCENTILES[p]);
        }
        h.append(legend(PERCENTILE_COLOURS, names));
        h.append(percentileChart(result));
        h.append("<p>What became of the applications due at each rate (share of them).</p>");
        h.append(legend(new String[] {"#2ca02c", "#ff7f0e", "#d62728", "#bbb"},
                new String[] {"202 accepted", "503 (retry later)", "other answer or none", "not sent (cap of outstanding)"}));
        h.append(shareChart(result));
        h.append("<p>p99 latency from the intended send time, per ").append(OpenModelLoad.BUCKET_MILLIS)
                .append(" ms of intended send times, at each rate (ms, logarithmic); a dot where 503s were answered.</p>");
        String[] rateNames = new String[result.rates().size()];
        for (int i = 0; i < rateNames.length; i++) {
            OpenModelRun.Rate r = result.rates().get(i);
            rateNames[i] = String.format(Locale.ROOT, "%d× (%,.0f/s)", r.multiplier(), r.load().offeredRate());
        }
        h.append(legend(RATE_COLOURS, rateNames));
        h.append(timeChart(result));
        h.append("<table><tr><th>rate</th><th>offered/s</th><th>answered/s</th><th>answers</th>")
                .append("<th>p50 / p90 / p99 / p99.9 ms</th><th>first 503</th><th>load average</th></tr>");
        for (OpenModelRun.Rate r : result.rates()) {
            OpenModelLoad.Result l = r.load();
            h.append(String.format(Locale.ROOT, "<tr><td>%d×</td><td>%,.0f</td><td>%,.0f</td><td>%s</td><td>%s</td><td>%s</td><td>%s → %s</td></tr>",
                    r.multiplier(), l.offeredRate(), l.answeredRate(), esc(statuses(l)), percentiles(l.latency()),
                    Double.isNaN(l.first503Seconds()) ? "none" : String.format(Locale.ROOT, "%.1f s", l.first503Seconds()),
                    r.loadBefore(), r.loadAfter()));
        }
        return h.append("</table>").toString();
    }

    private static final int W = 1000;
    private static final int H = 260;
    private static final int LEFT = 70;
    private static final int BOTTOM = 30;

    private static String percentileChart(OpenModelRun.Result result) {
        double maxX = 0;
        List<Double> values = new ArrayList<>();
        for (OpenModelRun.Rate r : result.rates()) {
            maxX = Math.max(maxX, r.load().rate());
            Histogram h = r.load().latency();
            for (double p : PERCENTILES) {
                values.add(h.getValueAtPercentile(p) / 1000.0);
            }
        }
        double[] range = logRange(values);
        double fx = (W - LEFT - 30) / (maxX * 1.05);
        StringBuilder svg = svgStart();
        logAxis(svg, range);
        for (OpenModelRun.Rate r : result.rates()) {
            double x = LEFT + r.load().rate() * fx;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d× %,.0f/s due (%,.0f/s sent)</text>",
                    x, x, H - BOTTOM, x, H - 10, r.multiplier(), r.load().rate(), r.load().offeredRate()));
        }
        for (int p = 0; p < PERCENTILES.length; p++) {
            StringBuilder path = new StringBuilder();
            for (OpenModelRun.Rate r : result.rates()) {
                double x = LEFT + r.load().rate() * fx;
                double y = logY(r.load().latency().getValueAtPercentile(PERCENTILES[p]) / 1000.0, range);
                path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, PERCENTILE_COLOURS[p]));
            }
            svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(PERCENTILE_COLOURS[p])
                    .append("\" stroke-width=\"2\"/>");
        }
        return svg.append("</svg>").toString();
    }

    private static String shareChart(OpenModelRun.Result result) {
        int rowHeight = 28;
        int height = 20 + rowHeight * result.rates().size();
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" style=\"background:#fff\">", W, height));
        String[] colours = {"#2ca02c", "#ff7f0e", "#d62728", "#bbb"};
        double width = W - LEFT - 30;
        for (int i = 0; i < result.rates().size(); i++) {
            OpenModelRun.Rate r = result.rates().get(i);
            OpenModelLoad.Result l = r.load();
            double[] shares = {l.count(202), l.count(503), l.answered() - l.count(202) - l.count(503) + l.count(OpenModelLoad.NO_ANSWER),
                    l.notSent()};
            double y = 10 + i * rowHeight;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d×</text>",
                    LEFT - 6, y + 15, r.multiplier()));
            double x = LEFT;
            for (int s = 0; s < shares.length; s++) {
                double w = width * shares[s] / l.planned();
                if (w > 0) {
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" fill=\"%s\">"
                                    + "<title>%.1f%%</title></rect>", x, y, w, colours[s], 100 * shares[s] / l.planned()));
                }
                x += w;
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">503: %,d (%.2f%%) · not sent: %.1f%%</text>",
                    LEFT + 6.0, y + 14, l.count(503), 100.0 * l.count(503) / l.planned(), 100.0 * l.notSent() / l.planned()));
        }
        return svg.append("</svg>").toString();
    }

    private static String timeChart(OpenModelRun.Result result) {
        List<double[][]> series = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        double maxX = 0;
        for (OpenModelRun.Rate r : result.rates()) {
            double[][] points = r.load().series();
            series.add(points);
            maxX = Math.max(maxX, r.load().seconds());
            for (double[] p : points) {
                if (p[1] > 0) {
                    values.add(p[1]);
                }
            }
        }
        double[] range = logRange(values);
        double fx = (W - LEFT - 10) / maxX;
        StringBuilder svg = svgStart();
        logAxis(svg, range);
        for (int t = 0; t <= (int) maxX; t++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%ds</text>",
                    LEFT + t * fx, H - 10, t));
        }
        double half = OpenModelLoad.BUCKET_MILLIS / 2000.0;
        for (int i = 0; i < series.size(); i++) {
            String colour = RATE_COLOURS[i % RATE_COLOURS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : series.get(i)) {
                if (p[1] <= 0) {
                    continue;
                }
                double x = LEFT + (p[0] + half) * fx;
                double y = logY(p[1], range);
                path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                if (p[2] > 0) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>503: %.1f%%</title></circle>",
                            x, y, colour, 100 * p[2]));
                }
            }
            svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"2\"/>");
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder svgStart() {
        return new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" style=\"background:#fff\">", W, H));
    }

    /** Powers of ten around the values (ms): {low, high}. */
    private static double[] logRange(List<Double> values) {
        double low = Double.MAX_VALUE;
        double high = 0;
        for (double v : values) {
            if (v > 0) {
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        }
        if (high == 0) {
            return new double[] {0.1, 1000};
        }
        low = Math.pow(10, Math.floor(Math.log10(Math.max(0.01, low))));
        high = Math.pow(10, Math.ceil(Math.log10(high)));
        return new double[] {low, Math.max(high, low * 10)};
    }

    private static double logY(double value, double[] range) {
        double v = Math.max(range[0], value);
        double share = (Math.log10(v) - Math.log10(range[0])) / (Math.log10(range[1]) - Math.log10(range[0]));
        return H - BOTTOM - share * (H - BOTTOM - 10);
    }

    private static void logAxis(StringBuilder svg, double[] range) {
        for (double v = range[0]; v <= range[1] * 1.001; v *= 10) {
            double y = logY(v, range);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>", LEFT, W - 10, y, y, LEFT - 6, y + 4,
                    v < 1 ? String.format(Locale.ROOT, "%.2g", v) : String.format(Locale.ROOT, "%,.0f", v)));
        }
        svg.append("<text x=\"12\" y=\"20\" font-size=\"11\">ms</text>");
    }

    private static String legend(String[] colours, String[] names) {
        StringBuilder s = new StringBuilder("<div class=\"legend\">");
        for (int i = 0; i < names.length; i++) {
            s.append("<span style=\"display:inline-block;margin-right:16px\"><i style=\"display:inline-block;width:14px;height:3px;")
                    .append("vertical-align:middle;margin-right:4px;background:").append(colours[i % colours.length]).append("\"></i>")
                    .append(esc(names[i])).append("</span>");
        }
        return s.append("</div>").toString();
    }

    // --- formatting ---------------------------------------------------------------------------

    private static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "— (no answers)";
        }
        StringBuilder s = new StringBuilder();
        for (double p : PERCENTILES) {
            s.append(s.length() == 0 ? "" : " / ").append(ms(h.getValueAtPercentile(p)));
        }
        return s.toString();
    }

    /** µs as ms. */
    private static String ms(double micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    private static String first(String loadAverages) {
        return loadAverages.split(" ")[0];
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format(Locale.ROOT, "%.2f×", v);
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
