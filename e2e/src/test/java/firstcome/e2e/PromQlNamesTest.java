package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlNamesTest {

    @Test
    void findsTheSeriesOfAQuantileOverABucketRateWithItsMatchers() {
        assertThat(PromQlNames.of(
                "histogram_quantile(0.99, sum by (le) (rate(ingress_apply_seconds_bucket{outcome=\"ACCEPTED\"}[$__rate_interval])))"))
                .isEqualTo(Map.of("ingress_apply_seconds_bucket", Set.of("outcome")));
    }

    @Test
    void findsBothSidesOfABinaryOperationAndSkipsKeywordsAndTheirLabelLists() {
        assertThat(PromQlNames.of("sum without (instance) (rate(a_total{x=~\"1|2\", y!=\"\"}[5m] offset 1h)) "
                + "/ on (job) group_left(reason) b_records > bool 0.5 and max(c) or unless_not_a_keyword"))
                .isEqualTo(Map.of("a_total", Set.of("x", "y"), "b_records", Set.of(), "c", Set.of(),
                        "unless_not_a_keyword", Set.of()));
    }

    @Test
    void skipsStringsNumbersDurationsAndGrafanaVariables() {
        assertThat(PromQlNames.of("label_replace(up{job=\"$job\", instance=~\"${instance:regex}\"}, \"x\", \"$1\", \"job\", \"(.*)\")"
                + " * 1e3 + 0.5 - deriv(sink_lag[10m:1m]) + ${factor}"))
                .isEqualTo(Map.of("up", Set.of("job", "instance"), "sink_lag", Set.of()));
    }

    @Test
    void findsANameWhoseMatchersHoldBracesAndQuotesInTheirValues() {
        assertThat(PromQlNames.of("count(http_seconds_count{route=\"/events/{eventId}/applications\", q='a\\'}'})"))
                .isEqualTo(Map.of("http_seconds_count", Set.of("route", "q")));
    }

    @Test
    void refusesASelectorWithoutAName() {
        assertThatThrownBy(() -> PromQlNames.of("sum(rate({__name__=~\"ingress_.*\"}[5m]))"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a metric name");
    }
}
