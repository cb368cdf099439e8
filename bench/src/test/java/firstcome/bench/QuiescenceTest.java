package firstcome.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuiescenceTest {

    @Test
    void busyCoresSumsTheProcessesPerSecondAndSkipsOnesMissingFromASample() {
        Map<String, Double> before = Map.of("ingress", 10.0, "kafka", 5.0, "sink", 1.0);
        Map<String, Double> after = Map.of("ingress", 10.5, "kafka", 5.5, "mysql", 3.0);

        assertEquals(0.5, Quiescence.busyCores(before, after, 2.0), 1e-9);
    }

    @Test
    void waitsForThreeQuietSamplesInARowAfterTheBusyOnes() throws Exception {
        // Cumulative CPU seconds: two busy seconds, one quiet, one busy, then quiet ones.
        Iterator<Double> totals = List.of(0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 3.0).iterator();
        List<String> said = new ArrayList<>();

        double waited = new Quiescence(() -> Map.of("ingress", totals.next())).await("test", 30, said::add);

        assertTrue(waited >= 7 && waited < 20, "seven samples of one second: " + waited);
        // The seconds said are the wall clock's, rounded: on a loaded machine seven samples may say 8.
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).matches("test: the stack quiet after \\d+ s"), said.get(0));
    }
}
