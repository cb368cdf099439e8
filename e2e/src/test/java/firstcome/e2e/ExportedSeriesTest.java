package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExportedSeriesTest {

    private static final String INGRESS = """
            # HELP ingress_apply_seconds Time from request to answer
            # TYPE ingress_apply_seconds histogram
            ingress_apply_seconds_bucket{outcome="ACCEPTED",le="0.001"} 3
            ingress_apply_seconds_count{outcome="ACCEPTED"} 3
            ingress_apply_seconds_sum{outcome="ACCEPTED"} 0.002
            jvm_threads_live_threads 31.0
            """;
    private static final String SINK = """
            sink_consumer_topic_lag_records{topic="coupon-issued"} 0.0
            sink_dead_letters_total{reason="UNREADABLE",note="a \\"quoted\\", value"} 0.0
            """;

    private final ExportedSeries exported = ExportedSeries.of(List.of(INGRESS, SINK));

    @Test
    void readsEachSamplesNameWithItsLabelNamesAcrossTheScrapes() {
        assertThat(exported.byName()).containsOnlyKeys("ingress_apply_seconds_bucket", "ingress_apply_seconds_count",
                "ingress_apply_seconds_sum", "jvm_threads_live_threads", "sink_consumer_topic_lag_records", "sink_dead_letters_total");
        assertThat(exported.byName().get("ingress_apply_seconds_bucket")).containsExactly("le", "outcome");
        assertThat(exported.byName().get("sink_dead_letters_total")).containsExactly("note", "reason");
        assertThat(exported.byName().get("jvm_threads_live_threads")).isEmpty();
    }

    @Test
    void findsNothingMissingWhenEverySeriesAndLabelIsExported() {
        assertThat(exported.missing(List.of(
                expression("histogram_quantile(0.99, sum by (le) (rate(ingress_apply_seconds_bucket{outcome=\"ACCEPTED\"}[5m])))"),
                expression("sum by (topic) (sink_consumer_topic_lag_records{job=\"sink\", instance=~\".+\"}) + up{job=\"sink\"}"))))
                .isEmpty();
    }

    @Test
    void namesASeriesNobodyExportsABareHistogramNameAndALabelItsSeriesLack() {
        assertThat(exported.missing(List.of(
                expression("rate(ingress_applications_total[5m])"),
                expression("rate(ingress_apply_seconds[5m])"),
                expression("sink_consumer_topic_lag_records{partition=\"0\"}"))))
                .containsExactly(
                        "panel p: ingress_applications_total is exported by no service",
                        "panel p: ingress_apply_seconds is exported by no service",
                        "panel p: sink_consumer_topic_lag_records has no label partition (it has [topic])");
    }

    private static OpsFiles.Expression expression(String promQl) {
        return new OpsFiles.Expression("panel p", promQl);
    }
}
