package firstcome.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The arithmetic and the forged token of row 9; no timing is asserted. */
class VerificationBenchmarkTest {

    @Test
    void aBadSignatureChangesOneCharacterOfTheSignatureOnly() {
        String token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.abcdefghAjklmnop";

        String forged = VerificationBenchmark.badSignature(token);

        assertThat(forged).hasSameSizeAs(token).isNotEqualTo(token);
        int signature = token.lastIndexOf('.') + 1;
        assertThat(forged.substring(0, signature)).isEqualTo(token.substring(0, signature));
        int differing = 0;
        for (int i = 0; i < token.length(); i++) {
            differing += token.charAt(i) == forged.charAt(i) ? 0 : 1;
        }
        assertThat(differing).isEqualTo(1);
    }

    @Test
    void sharesAreOfTheIngresssAndTheStacksCpuPerAcceptedApplication() {
        // 1,000 applications: the ingress 0.5 s of CPU (500 µs each), the stack 1.25 s (1,250 µs each).
        ShopBenchmark.Phase apply = new ShopBenchmark.Phase("apply", 1_000, 1_000, 1.0, new Histogram(3), 1.25,
                Map.of("ingress", 0.5, "kafka", 0.75));
        VerificationBenchmark.Result result = new VerificationBenchmark.Result(
                List.of(new VerificationBenchmark.Cost("HS256", 5.0, 100, 4.0, 100)), 1, 2);

        assertThat(VerificationBenchmark.ingressMicros(apply)).isEqualTo(500.0);
        assertThat(VerificationBenchmark.stackMicros(apply)).isEqualTo(1_250.0);
        assertThat(result.lines(apply)).containsExactly("HS256: 5.0 µs CPU per valid token (100 verified), 4.0 µs per bad"
                + " signature (100 refused); verification = 1.0 % of the ingress's CPU per accepted application (0.4 % of the stack's)");
        assertThat(result.lines(null)).containsExactly("HS256: 5.0 µs CPU per valid token (100 verified), 4.0 µs per bad"
                + " signature (100 refused)");
    }

    @Test
    void aStackWithoutTheIngresssFigureGivesNoShare() {
        ShopBenchmark.Phase apply = new ShopBenchmark.Phase("apply", 1_000, 1_000, 1.0, new Histogram(3), 1.0, Map.of());

        assertThat(VerificationBenchmark.percent(5.0, VerificationBenchmark.ingressMicros(apply))).isEqualTo("?");
    }
}
