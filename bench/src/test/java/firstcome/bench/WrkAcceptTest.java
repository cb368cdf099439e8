package firstcome.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WrkAcceptTest {

    @Test
    void readsTheScriptsAnswersAndWrksCpuFromTheShellsTimes() {
        List<String> output = List.of(
                "Running 2m test @ http://127.0.0.1:8080",
                "  5000 requests in 1.64s, 0.94MB read",
                "answered 5000 202=4990 503=10",
                "0m0.007s 0m0.000s",
                "0m0.075s 0m0.107s");

        WrkAccept.Result result = WrkAccept.parse(5000, output, 0, 2_000_000_000L);

        assertThat(result.answered()).isEqualTo(5000);
        assertThat(result.statuses()).isEqualTo(Map.of("202", 4990, "503", 10));
        assertThat(result.accepted()).isEqualTo(4990);
        assertThat(result.seconds()).isCloseTo(2.0, within(1e-9));
        assertThat(result.generatorCpuSeconds()).isCloseTo(0.182, within(1e-9));
        assertThat(result.generatorMicros()).isCloseTo(36.4, within(1e-9));
    }

    @Test
    void readsARunWithNoAnswer() {
        WrkAccept.Result result = WrkAccept.parse(10, List.of("answered 0"), 0, 1);

        assertThat(result.answered()).isZero();
        assertThat(result.statuses()).isEmpty();
        assertThat(result.generatorCpuSeconds()).isZero();
    }

    @Test
    void withoutTheAnswersLineThereIsNoResult() {
        assertThat(WrkAccept.parse(10, List.of("unable to connect to 127.0.0.1:8080 Connection refused"), 0, 1)).isNull();
    }
}
