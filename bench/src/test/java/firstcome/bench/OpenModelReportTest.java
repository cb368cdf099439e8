package firstcome.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The open model's figures in make bench's report: its rows, its table of every rate, its pictures. */
class OpenModelReportTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void whereThe503sBeginIsTheFirstRateThatHeardOne() {
        OpenModelRun.Result result = result();

        assertThat(result.first503().multiplier()).isEqualTo(2);
        assertThat(OpenModelReport.where503s(result)).startsWith("at 2× (4/s offered): the first 503 0.5 s into its 1 s");
    }

    @Test
    void makeBenchsReportCarriesTheOpenModelsRowsTableAndPictures() {
        Report report = new Report(Bench.Settings.of(List.of("--quick"), Map.of()), Map.of("date", "2026-12-01T00:00Z"), 1000,
                List.of(round()), List.of(), null, null, null, List.of(), new Histogram(3), new Histogram(3), new Histogram(3),
                Map.of(), 1);
        String without = report.html();

        report.withOpenModel(result());

        assertThat(report.rows()).extracting(row -> row[0]).filteredOn(what -> what.startsWith("10. open model"))
                .hasSize(4);
        assertThat(report.markdown()).contains("| 2× | 4 | 4 | ", "Where 503s begin: at 2×");
        String html = report.html();
        assertThat(html).contains("<h2>Open model");
        assertThat(count(html, "<svg")).isEqualTo(count(without, "<svg") + 3);
    }

    /** The probe at 2/s; 1×: every application accepted; 2×: one 503 with Retry-After 0.5 s in; 4×: one not sent. */
    private static OpenModelRun.Result result() {
        OpenModelLoad.Probe probe = new OpenModelLoad.Probe(2, 2, 1.0, Map.of(202, 2L));
        return new OpenModelRun.Result(probe, 60, "1.00 → 1.00", List.of(
                rate(1, new short[] {202, 202}, new boolean[2]),
                rate(2, new short[] {202, 503, 202, 202}, new boolean[] {false, true, false, false}),
                rate(4, new short[] {202, 202, 202, 202, 202, 202, 202, OpenModelLoad.NOT_SENT}, new boolean[8])), 10);
    }

    private static OpenModelRun.Rate rate(int multiplier, short[] status, boolean[] retryAfter) {
        long[] answeredAt = new long[status.length];
        for (int i = 0; i < status.length; i++) {
            answeredAt[i] = SECOND + SECOND / 2 + i; // every answer 0.5 s after the start
        }
        OpenModelLoad.Result load = new OpenModelLoad.Result("test", status.length, 1.0, SECOND, status, retryAfter,
                answeredAt, 0, 0, 2_000, Map.of());
        return new OpenModelRun.Rate(multiplier, load, "e", load.count(202), 0.1, "1.00 1.00 1.00", "1.00 1.00 1.00");
    }

    private static Bench.Round round() {
        SpikeLoad.Result spike = new SpikeLoad.Result("spike", 2, 100, 0, SECOND, new short[] {202, 410},
                new long[] {SECOND / 4, SECOND / 2}, histogram(), histogram(), new Histogram(3),
                List.of(new SpikeLoad.Bucket(0, 2, 1, 1, 2)), 0);
        return new Bench.Round(1, spike, spike, "e", 1, 10, 10, histogram());
    }

    private static Histogram histogram() {
        Histogram h = new Histogram(3);
        h.recordValue(1_000);
        return h;
    }

    private static int count(String text, String part) {
        return text.split(part, -1).length - 1;
    }
}
