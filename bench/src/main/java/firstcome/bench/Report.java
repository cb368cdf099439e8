package firstcome.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * The figures of one {@code make bench} run: a markdown table (printed, and written between the
 * markers in BENCHMARKS.md) and a self-contained HTML page with the spike over time as inline SVG.
 */
final class Report {

    static final String BEGIN = "<!-- make bench: figures begin (written by firstcome.bench.Bench) -->";
    static final String END = "<!-- make bench: figures end -->";

    private final Bench.Settings settings;
    private final Map<String, String> versions;
    private final double redisRate;
    private final List<Bench.Round> rounds;
    private final Bench.Round median;
    private final List<ShopBenchmark.Phase> shop;
    private final VerificationBenchmark.Result verification;
    private final DrawBenchmark.Result draw;
    private final Bench.Replay replay;
    private final List<String> sinkTable;
    private final Histogram idleReads;
    private final Histogram bareSpikeReads;
    private final Histogram spikeReads;
    private final Map<String, Long> rss;
    private final double seconds;
    private final String load;
    /** The open model's figures, when it ran ({@link #withOpenModel}). */
    private OpenModelRun.Result openModel;
    private CostBenchmark.Result cost;
    private BaselineComparison.Result baseline;

    Report(Bench.Settings settings, Map<String, String> versions, double redisRate, List<Bench.Round> rounds,
           List<ShopBenchmark.Phase> shop, VerificationBenchmark.Result verification, DrawBenchmark.Result draw, Bench.Replay replay, List<String> sinkTable, Histogram idleReads, Histogram bareSpikeReads,
           Histogram spikeReads, Map<String, Long> rss, double seconds) {
        this.settings = settings;
        this.versions = versions;
        this.redisRate = redisRate;
        this.rounds = rounds;
        List<Bench.Round> byRatio = new ArrayList<>(rounds);
        byRatio.sort(Comparator.comparingDouble(Bench.Round::ratio));
        this.median = byRatio.get(byRatio.size() / 2);
        this.shop = shop;
        this.verification = verification;
        this.draw = draw;
        this.replay = replay;
        this.sinkTable = sinkTable;
        this.idleReads = idleReads;
        this.bareSpikeReads = bareSpikeReads;
        this.spikeReads = spikeReads;
        this.rss = rss;
        this.seconds = seconds;
        String avg;
        try {
            avg = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            avg = "?";
        }
        this.load = avg;
    }

    /** Adds the open model's rows, table and pictures; null leaves them out. */
    Report withOpenModel(OpenModelRun.Result result) {
        this.openModel = result;
        return this;
    }

    /** The cost of one coupon and its parts (a row after the gate's, a stacked bar); none when it failed. */
    Report cost(CostBenchmark.Result result) {
        this.cost = result;
        return this;
    }

    /** This build's accept phase against the baseline revision's (--baseline); none when not run. */
    Report baseline(BaselineComparison.Result result) {
        this.baseline = result;
        return this;
    }

    // --- the table ----------------------------------------------------------------------------

    List<String[]> rows() {
        SpikeLoad.Result in = median.ingress();
        SpikeLoad.Result bare = median.bare();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"1. spike, accept phase (start → last 202)",
                rate(in.acceptPhaseRate()) + " · " + pcts(in.accept()),
                "bare Javalin " + rate(bare.rate()) + " · " + pcts(bare.accept()),
                ratio(in.acceptPhaseRate() / bare.rate())});
        rows.add(new String[] {"1. spike, sold-out phase (after the last 202)",
                rate(in.soldOutPhaseRate()) + " · " + pcts(in.soldOut()),
                "bare Javalin " + rate(bare.rate()) + " · " + pcts(bare.accept()),
                ratio(in.soldOutPhaseRate() / bare.rate())});
        rows.add(new String[] {"1. spike, whole (" + String.format(Locale.ROOT, "%,d", in.requests()) + " answers)",
                rate(in.rate()) + " · " + in.statuses(), "bare Javalin " + rate(bare.rate()), ratio(in.rate() / bare.rate())});
        rows.add(new String[] {"1. gate: the accept phase vs Redis alone",
                rate(in.acceptPhaseRate()), "redis-benchmark EVALSHA of the gate script " + rate(redisRate),
                ratio(in.acceptPhaseRate() / redisRate)});
        if (cost != null) {
            rows.add(cost.row());
        }
        if (baseline != null) {
            rows.add(baseline.row());
        }
        double[] persist = rounds.stream().mapToDouble(Bench.Round::lastAcceptToLastRowMillis).sorted().toArray();
        rows.add(new String[] {"2. time to persist: last 202 → last row (median of " + persist.length + ")",
                ms(persist[persist.length / 2]) + " (rounds: " + join(rounds, r -> r.lastAcceptToLastRowMillis()) + " ms)",
                "—", "—"});
        rows.add(new String[] {"2. end to end: each 202 → its row seen in MySQL",
                "p50 " + ms(median.acceptToRow().getValueAtPercentile(50) / 1000.0) + " · p99 "
                        + ms(median.acceptToRow().getValueAtPercentile(99) / 1000.0) + " · max "
                        + ms(median.acceptToRow().getMaxValue() / 1000.0) + " (" + median.acceptToRow().getTotalCount() + " rows)",
                "poll interval " + CouponRows.POLL_MILLIS + " ms", "—"});
        if (replay != null) {
            double streams = replay.records() / replay.streamsSeconds();
            double read = replay.records() / replay.readSeconds();
            double ceiling = replay.records() / replay.ceilingSeconds();
            rows.add(new String[] {String.format(Locale.ROOT, "3. replay %,d requests through the topology (EOS, fresh app id, "
                            + "%d stream thread%s)", replay.records(), replay.streamThreads(), replay.streamThreads() == 1 ? "" : "s"),
                    String.format(Locale.ROOT, "%,.0f records/s (%.1f s after RUNNING, %.1f s to start; %,d issued; "
                                    + "%.2f ms CPU per 1,000 records)", streams, replay.streamsSeconds(), replay.startupSeconds(),
                            replay.issued(), replay.streamsCpuSeconds() * 1e6 / replay.records()),
                    String.format(Locale.ROOT, "ceiling (the same store work per request, no rules) %,.0f records/s "
                            + "(%,d issued; %.2f ms CPU per 1,000 records); plain consumer %,.0f records/s (%s)", ceiling,
                            replay.ceilingIssued(), replay.ceilingCpuSeconds() * 1e6 / replay.records(), read,
                            ratio(streams / read)),
                    ratio(streams / ceiling)});
        }
        double ceiling = sinkRate("(ceiling)");
        if (!Double.isNaN(ceiling)) {
            rows.add(new String[] {"4. sink: CouponWriter (the sink's write path)", rows(sinkRate("CouponWriter: multi-row")),
                    "raw JDBC batch " + rows(ceiling), ratio(sinkRate("CouponWriter: multi-row") / ceiling)});
            rows.add(new String[] {"4. sink: the whole sink process, topic → table", rows(sinkRate("whole sink")),
                    "raw JDBC batch " + rows(ceiling), ratio(sinkRate("whole sink") / ceiling)});
            rows.add(new String[] {"4. sink: one row per transaction (naive)", rows(sinkRate("naive")),
                    "raw JDBC batch " + rows(ceiling), ratio(sinkRate("naive") / ceiling)});
        }
        rows.add(new String[] {"5. unrelated read (product by PK, " + settings.readsPerSecond() + "/s) during the spikes",
                readPcts(spikeReads), "at rest " + readPcts(idleReads),
                readRatios(spikeReads, idleReads)});
        rows.add(new String[] {"5. the same read while the same load hits the bare handler (no Redis, Kafka or MySQL work)",
                readPcts(bareSpikeReads), "at rest " + readPcts(idleReads), readRatios(bareSpikeReads, idleReads)});
        rows.add(new String[] {"5. the firstcome spike's own share: reads during the ingress spikes vs during the bare ones",
                readPcts(spikeReads), "bare-handler spikes " + readPcts(bareSpikeReads), readRatios(spikeReads, bareSpikeReads)});
        StringBuilder mem = new StringBuilder();
        rss.forEach((name, kb) -> mem.append(mem.length() == 0 ? "" : " · ").append(name).append(' ')
                .append(kb < 0 ? "?" : String.format(Locale.ROOT, "%,d MB", kb / 1024)));
        rows.add(new String[] {"6. resident memory at the end of the spike", mem.toString(), "—", "—"});
        if (shop.size() == 2) {
            ShopBenchmark.Phase apply = shop.get(0);
            ShopBenchmark.Phase redeem = shop.get(1);
            rows.add(new String[] {"7. shop: redeem, answered once the processor decided (" + redeem.operations()
                    + " coupons), CPU of the whole stack until MySQL shows it", redeem.row(),
                    "apply, every application accepted, until its row is in MySQL: " + apply.row(),
                    String.format(Locale.ROOT, "CPU %.2f× (at most 2×) · rate %.2f×",
                            redeem.cpuMillisPerOperation() / apply.cpuMillisPerOperation(), redeem.rate() / apply.rate())});
        }
        if (draw != null) {
            rows.add(drawRow());
        }
        if (verification != null) {
            rows.addAll(verificationRows());
        }
        if (openModel != null) {
            rows.addAll(OpenModelReport.rows(openModel));
        }
        return rows;
    }

    /**
     * Row 9: a shopper token's verification (ShopperVerifier, thread CPU per verification after a
     * warm-up, in the bench JVM) next to the CPU an accepted application costs the ingress and the
     * whole stack in this run (row 7's apply phase), as shares of it.
     */
    private List<String[]> verificationRows() {
        ShopBenchmark.Phase apply = shop.isEmpty() ? null : shop.get(0);
        String ceiling = apply == null ? "—" : String.format(Locale.ROOT,
                "an accepted application, same run (row 7's apply phase): %.0f µs CPU of the ingress, %.0f µs of the stack",
                VerificationBenchmark.ingressMicros(apply), VerificationBenchmark.stackMicros(apply));
        List<String[]> out = new ArrayList<>();
        for (VerificationBenchmark.Cost c : verification.costs()) {
            String kind = switch (c.algorithm()) {
                case "RS256" -> "RS256, 2048-bit key";
                case "ES256" -> "ES256, P-256";
                default -> c.algorithm();
            };
            out.add(new String[] {"9. verifying a shopper's token, " + kind + " (ShopperVerifier, one thread, CPU after a warm-up)",
                    String.format(Locale.ROOT, "%.1f µs per valid token · %.1f µs per bad signature (%,d and %,d verifications)",
                            c.validMicros(), c.refusedMicros(), c.valid(), c.refused()),
                    ceiling,
                    apply == null ? "—" : VerificationBenchmark.percent(c.validMicros(), VerificationBenchmark.ingressMicros(apply))
                            + " of the ingress's · " + VerificationBenchmark.percent(c.validMicros(), VerificationBenchmark.stackMicros(apply))
                            + " of the stack's"});
        }
        return out;
    }

    /**
     * Row 8: the draw, timed from the tick's acknowledgement to the last draw decision readable;
     * next to the replay's pace in the same run (the topology deciding requests one at a time), as
     * draw decisions per second from the first to the last of them.
     */
    private String[] drawRow() {
        DrawBenchmark.Result d = draw;
        double drawSeconds = (d.lastDrawAfterTickMillis() - d.firstDrawAfterTickMillis()) / 1000.0;
        double drawRate = d.drawDecisions() / drawSeconds;
        String measured = String.format(Locale.ROOT, "tick → last of %,d draw decisions %s (→ first %s; %,.0f decisions/s between)"
                        + " · %,d issued, %,d waitlisted, %,d not drawn%s · the last entrant's IN_DRAW readable %s after the window's end"
                        + " (the last entrant written %s after it) · state directory %s → %s with the entrants (%s/entrant) → %s after the draw"
                        + " · RocksDB's estimates (live SST + memtables, all stores) %s → %s (%s/entrant) → %s",
                d.entrants(), ms(d.lastDrawAfterTickMillis()), ms(d.firstDrawAfterTickMillis()), drawRate,
                d.issued(), d.waitlisted(), d.notDrawn(),
                (d.lateEntrants() == 0 ? "" : String.format(Locale.ROOT, " · %,d entrants appended after an ingress's tick,"
                        + " decided first-come (docs/fair-opening.md, Limits)", d.lateEntrants()))
                        + (d.complete() ? "" : " (**only " + String.format(Locale.ROOT, "%,d", d.drawDecisions() + d.lateEntrants())
                        + " of " + String.format(Locale.ROOT, "%,d", d.entrants()) + " decided within 180 s**)"),
                ms(d.lastInDrawAfterEndMillis()), ms(d.lastSendAfterEndMillis()),
                DrawBenchmark.mb(d.stateBefore()), DrawBenchmark.mb(d.stateEntrants()), bytes(d.stateBytesPerEntrant()),
                DrawBenchmark.mb(d.stateDrawn()), DrawBenchmark.mb(d.rocksBefore()), DrawBenchmark.mb(d.rocksEntrants()),
                bytes(d.rocksBytesPerEntrant()), DrawBenchmark.mb(d.rocksDrawn()));
        String what = String.format(Locale.ROOT, "8. draw: %,d entrants in a %d s window (limit %,d, waitlist %,d), written straight"
                + " to coupon-requests; a tick at the window's end", d.entrants(), d.windowSeconds(), d.limit(), d.waitlist());
        if (replay == null) {
            return new String[] {what, measured, "—", "—"};
        }
        double replayRate = replay.records() / replay.streamsSeconds();
        return new String[] {what, measured, String.format(Locale.ROOT, "replay, same run: %,.0f records/s", replayRate),
                ratio(drawRate / replayRate)};
    }

    private static String bytes(double value) {
        return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%,.0f B", value);
    }

    private static String readRatios(Histogram measured, Histogram ceiling) {
        return "p50 " + ratio(measured.getValueAtPercentile(50) / (double) ceiling.getValueAtPercentile(50))
                + " · p99 " + ratio(measured.getValueAtPercentile(99) / (double) ceiling.getValueAtPercentile(99));
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "### make bench, %s (%s run)%n%n", versions.get("date"),
                settings.quick() ? "quick" : "full"));
        md.append(String.format(Locale.ROOT, "Command: `%s` (%.0f s). Machine: %s cores, %s, the load generator on the "
                        + "same cores as the stack (load average %s at the end). Java %s, Kafka %s, Redis %s, MySQL %s.%n%n",
                settings.command(), seconds, versions.get("cores"), versions.get("memory"), load, versions.get("java"),
                versions.get("kafka"), versions.get("redis"), versions.get("mysql")));
        md.append(String.format(Locale.ROOT, "Spike: %,d applications from distinct users to a fresh event with limit %,d, "
                        + "%d connections in a closed loop (Java HttpClient, HTTP/1.1), %d rounds of bare handler then "
                        + "ingress; the table shows the round with the median ingress/bare ratio (round %d). Latency "
                        + "p50/p99/p99.9 in ms, HdrHistogram corrected for coordinated omission.%n%n",
                settings.requests(), settings.limit(), settings.connections(), rounds.size(), median.number()));
        md.append("| what | measured | ceiling, same run | ratio |\n|---|---|---|---:|\n");
        for (String[] row : rows()) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        md.append("\nEvery round:\n\n| round | bare req/s | ingress req/s | ingress/bare | accept p99 | sold-out p99 | "
                + "last 202 → last row | rows |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Bench.Round r : rounds) {
            md.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2f | %s | %s | %s | %d |%n", r.number(),
                    r.bare().rate(), r.ingress().rate(), r.ratio(), ms(r.ingress().accept().getValueAtPercentile(99) / 1000.0),
                    ms(r.ingress().soldOut().getValueAtPercentile(99) / 1000.0), ms(r.lastAcceptToLastRowMillis()), r.rows()));
        }
        if (openModel != null) {
            md.append('\n').append(OpenModelReport.markdown(openModel));
        }
        if (!sinkTable.isEmpty()) {
            md.append("\nSink benchmark (`SinkBenchmark ").append(settings.sinkRows())
                    .append("` against the stack's MySQL and Kafka, in the same run):\n\n");
            for (String line : sinkTable) {
                md.append(line).append('\n');
            }
        }
        md.append("\nPicture: `bench/report.html` (throughput and latency over time during the median round's spike).\n");
        return md.toString();
    }

    /** Replaces the figures between the markers in BENCHMARKS.md, or adds them after the first paragraph. */
    void writeInto(Path file) throws IOException {
        String doc = Files.readString(file);
        String block = BEGIN + "\n\n" + markdown() + "\n" + END;
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        if (begin >= 0 && end > begin) {
            doc = doc.substring(0, begin) + block + doc.substring(end + END.length());
        } else {
            int at = doc.indexOf("\n## ");
            at = at < 0 ? doc.length() : at + 1;
            doc = doc.substring(0, at) + "## make bench: the spike, the pipeline, unrelated reads\n\n" + block
                    + "\n\n" + doc.substring(at);
        }
        Files.writeString(file, doc);
    }

    // --- the picture --------------------------------------------------------------------------

    String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>firstcome — make bench</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;")
                .append("vertical-align:top}th{background:#f3f3f3}td:last-child{text-align:right;white-space:nowrap}")
                .append(".legend span{display:inline-block;margin-right:16px}.sw{display:inline-block;width:14px;")
                .append("height:3px;vertical-align:middle;margin-right:4px}</style></head><body>");
        h.append("<h1>firstcome — make bench</h1><p>").append(esc(versions.get("date"))).append(" · ")
                .append(settings.quick() ? "quick" : "full").append(" run · <code>").append(esc(settings.command()))
                .append("</code> · ").append(versions.get("cores")).append(" cores, load average ").append(load)
                .append(" at the end · Java ").append(esc(versions.get("java"))).append(", Kafka ")
                .append(esc(versions.get("kafka"))).append(", Redis ").append(esc(versions.get("redis")))
                .append(", MySQL ").append(esc(versions.get("mysql"))).append("</p>");
        SpikeLoad.Result in = median.ingress();
        SpikeLoad.Result bare = median.bare();
        h.append(String.format(Locale.ROOT, "<h2>The spike (round %d of %d): %,d applications, limit %,d, %d connections</h2>",
                median.number(), rounds.size(), in.requests(), settings.limit(), settings.connections()));
        double lastAccept = (in.lastAcceptNanos() - in.startNanos()) / 1e9;
        h.append("<p>Answers per second in ").append(SpikeLoad.BUCKET_MILLIS).append(" ms slices. The shaded strip is ")
                .append("the accept phase (until the last 202, ").append(String.format(Locale.ROOT, "%.2f s", lastAccept))
                .append("); after it every answer is a sold-out 410. The bare handler ran just before, same generator.</p>");
        h.append(legend(new String[] {"#1f77b4", "#2ca02c", "#999"},
                new String[] {"ingress: all answers/s", "ingress: 202 accepted/s", "bare Javalin: answers/s"}));
        double perSecond = 1000.0 / SpikeLoad.BUCKET_MILLIS;
        h.append(chart(List.of(series(in.series(), b -> b.answers() * perSecond), series(in.series(), b -> b.accepted() * perSecond),
                series(bare.series(), b -> b.answers() * perSecond)), List.of("#1f77b4", "#2ca02c", "#999"),
                "answers/s", lastAccept));
        h.append("<p>Latency of the answers in each slice (ms, not corrected: the corrected percentiles are in the table).</p>");
        h.append(legend(new String[] {"#d62728", "#ff7f0e", "#999", "#ccc"},
                new String[] {"ingress p99", "ingress p50", "bare p99", "bare p50"}));
        h.append(chart(List.of(series(in.series(), SpikeLoad.Bucket::p99Millis), series(in.series(), SpikeLoad.Bucket::p50Millis),
                series(bare.series(), SpikeLoad.Bucket::p99Millis), series(bare.series(), SpikeLoad.Bucket::p50Millis)),
                List.of("#d62728", "#ff7f0e", "#999", "#ccc"), "ms", lastAccept));
        if (cost != null) {
            h.append(cost.html());
        }
        if (openModel != null) {
            h.append(OpenModelReport.html(openModel));
        }
        h.append("<h2>Every measure, next to its ceiling</h2><table><tr><th>what</th><th>measured</th>")
                .append("<th>ceiling, same run</th><th>ratio</th></tr>");
        for (String[] row : rows()) {
            h.append("<tr>");
            for (String cell : row) {
                h.append("<td>").append(esc(cell)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table><p>Machines here are shared and noisy: absolute figures drift between runs, ")
                .append("the ratios (measured in the same run) are the result.</p></body></html>\n");
        return h.toString();
    }

    private static double[][] series(List<SpikeLoad.Bucket> buckets, ToDoubleFunction<SpikeLoad.Bucket> value) {
        double[][] points = new double[buckets.size()][];
        for (int i = 0; i < buckets.size(); i++) {
            points[i] = new double[] {buckets.get(i).atSeconds(), value.applyAsDouble(buckets.get(i))};
        }
        return points;
    }

    private static String chart(List<double[][]> lines, List<String> colours, String unit, double shadeUntil) {
        int w = 1000;
        int hgt = 260;
        int left = 70;
        int bottom = 30;
        double maxX = 0.001;
        double maxY = 0.001;
        for (double[][] line : lines) {
            for (double[] p : line) {
                maxX = Math.max(maxX, p[0] + SpikeLoad.BUCKET_MILLIS / 1000.0);
                maxY = Math.max(maxY, p[1]);
            }
        }
        maxY = niceCeiling(maxY);
        double fx = (w - left - 10) / maxX;
        double fy = (hgt - bottom - 10) / maxY;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" style=\"background:#fff\">", w, hgt));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"10\" width=\"%.1f\" height=\"%d\" fill=\"#2ca02c\" opacity=\"0.08\"/>",
                left, Math.max(1, shadeUntil * fx), hgt - bottom - 10));
        for (int i = 0; i <= 4; i++) {
            double y = hgt - bottom - i * (hgt - bottom - 10) / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>", left, w - 10, y, y, left - 6,
                    y + 4, String.format(Locale.ROOT, "%,.0f", maxY * i / 4)));
        }
        int ticks = (int) Math.ceil(maxX);
        int step = Math.max(1, ticks / 20);
        for (int t = 0; t <= ticks; t += step) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%ds</text>",
                    left + t * fx, hgt - 10, t));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"20\" font-size=\"11\">%s</text>", unit));
        for (int l = 0; l < lines.size(); l++) {
            StringBuilder path = new StringBuilder();
            for (double[] p : lines.get(l)) {
                path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f",
                        left + (p[0] + SpikeLoad.BUCKET_MILLIS / 2000.0) * fx, hgt - bottom - p[1] * fy));
            }
            svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colours.get(l))
                    .append("\" stroke-width=\"2\"/>");
        }
        return svg.append("</svg>").toString();
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= v) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String legend(String[] colours, String[] names) {
        StringBuilder s = new StringBuilder("<div class=\"legend\">");
        for (int i = 0; i < names.length; i++) {
            s.append("<span><i class=\"sw\" style=\"background:").append(colours[i]).append("\"></i>")
                    .append(esc(names[i])).append("</span>");
        }
        return s.append("</div>").toString();
    }

    // --- formatting ---------------------------------------------------------------------------

    private double sinkRate(String marker) {
        for (String line : sinkTable) {
            if (line.contains(marker)) {
                String[] cells = line.split("\\|");
                if (cells.length > 4) {
                    try {
                        return Double.parseDouble(cells[4].trim().replace(",", ""));
                    } catch (NumberFormatException e) {
                        return Double.NaN;
                    }
                }
            }
        }
        return Double.NaN;
    }

    private static String pcts(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no answers";
        }
        return String.format(Locale.ROOT, "p50/p99/p99.9 %.1f / %.1f / %.1f ms", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0);
    }

    private static String readPcts(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no reads";
        }
        return String.format(Locale.ROOT, "p50 %.2f ms · p99 %.2f ms (%,d reads)", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getTotalCount());
    }

    private static String join(List<Bench.Round> rounds, ToDoubleFunction<Bench.Round> f) {
        StringBuilder s = new StringBuilder();
        for (Bench.Round r : rounds) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", f.applyAsDouble(r)));
        }
        return s.toString();
    }

    private static String rate(double v) {
        return String.format(Locale.ROOT, "%,.0f req/s", v).replace(" req/s", "/s");
    }

    private static String rows(double v) {
        return String.format(Locale.ROOT, "%,.0f rows/s", v);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format(Locale.ROOT, "%.2f×", v);
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
