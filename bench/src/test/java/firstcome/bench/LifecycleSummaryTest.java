package firstcome.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LifecycleSummaryTest {

    private static final DemoAnswer REDEEMED = DemoAnswer.parse(200,
            "{\"outcome\":\"REDEEMED\",\"couponNo\":11,\"orderId\":\"o-1\"}");
    private static final DemoAnswer CANCELLED = DemoAnswer.parse(200, "{\"outcome\":\"ISSUED\",\"couponNo\":15}");

    @Test
    void printsEveryStepOfTheLifecycleAndTheStatesInMySql() {
        Map<String, Long> states = Map.of("ISSUED", 96L, "REDEEMED", 4L, "RETURNED", 10L);
        LifecycleSummary summary = new LifecycleSummary(10, 10, 10, range(1, 10), range(101, 110), 101,
                List.of("o-1", "o-2", "o-3", "o-4", "o-5"), REDEEMED, REDEEMED, "o-5", CANCELLED, states, states,
                List.of());

        assertThat(summary.lines()).containsExactly(
                "lifecycle (waitlist 10)",
                "  waitlisted                10 (202 with \"waitlisted\": true: 10)",
                "  returned by winners       10 (coupons 1-10)",
                "  waitlist served           10 (coupons 101-110)",
                "  redeemed                  5 (orders o-1, o-2, o-3, o-4, o-5)",
                "  redeemed o-1 again        200 {\"outcome\":\"REDEEMED\",\"couponNo\":11,\"orderId\":\"o-1\"} (the same answer)",
                "  order o-5 cancelled       200 {\"outcome\":\"ISSUED\",\"couponNo\":15} (the coupon is usable again)",
                "  coupon states in MySQL    ISSUED 96, REDEEMED 4, RETURNED 10");
        assertThat(summary.ok()).isTrue();
    }

    @Test
    void showsWhatDiffersAndFails() {
        DemoAnswer other = DemoAnswer.parse(409, "{\"outcome\":\"ALREADY_REDEEMED\",\"orderId\":\"o-9\"}");
        LifecycleSummary summary = new LifecycleSummary(10, 10, 10, range(1, 10), List.of(101, 102), 101,
                List.of("o-1"), REDEEMED, other, null, null, Map.of("ISSUED", 100L),
                Map.of("ISSUED", 101L, "REDEEMED", 1L, "RETURNED", 10L), List.of("8 waitlisted users had no coupon"));

        assertThat(summary.lines())
                .contains("  redeemed o-1 again        409 {\"outcome\":\"ALREADY_REDEEMED\",\"orderId\":\"o-9\"}"
                        + " (differs from the first: 200 {\"outcome\":\"REDEEMED\",\"couponNo\":11,\"orderId\":\"o-1\"})")
                .contains("  coupon states in MySQL    ISSUED 100 (expected ISSUED 101, REDEEMED 1, RETURNED 10)")
                .contains("  problem: 8 waitlisted users had no coupon")
                .noneMatch(line -> line.contains("cancelled"));
        assertThat(summary.ok()).isFalse();
    }

    @Test
    void writesRunsOfCouponNumbersAsRanges() {
        assertThat(LifecycleSummary.ranges(List.of(3, 1, 2, 7, 9, 10, 11, 5, 6))).isEqualTo("1-3, 5-7, 9-11");
        assertThat(LifecycleSummary.ranges(List.of(4, 5))).isEqualTo("4, 5");
        assertThat(LifecycleSummary.ranges(List.of(8))).isEqualTo("8");
        assertThat(LifecycleSummary.ranges(List.of())).isEmpty();
    }

    @Test
    void expectsTheReturnedAndRedeemedCouponsAndTheRestIssued() {
        assertThat(LifecycleScenario.expectedStates(110, 10, 4))
                .containsExactly(Map.entry("ISSUED", 96L), Map.entry("REDEEMED", 4L), Map.entry("RETURNED", 10L));
        assertThat(LifecycleScenario.expectedStates(3, 0, 0)).containsExactly(Map.entry("ISSUED", 3L));
    }

    private static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.rangeClosed(from, to).boxed().toList();
    }
}
