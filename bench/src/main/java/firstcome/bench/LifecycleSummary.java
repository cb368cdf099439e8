package firstcome.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the demo's lifecycle part did and saw, and the lines it prints: who waited, which coupons
 * were returned and which served the waitlist, the redemptions, the repeated one, the cancelled
 * order and the coupons' states in MySQL. {@code problems} lists every way it differs from what the
 * contract promises; the demo fails when there is one.
 */
record LifecycleSummary(int waitlist, long flaggedWaitlisted, long waitlisted, List<Integer> returned,
        List<Integer> served, int firstServedExpected, List<String> orders, DemoAnswer firstRedemption,
        DemoAnswer repeatedRedemption, String cancelledOrder, DemoAnswer cancellation, Map<String, Long> states,
        Map<String, Long> expectedStates, List<String> problems) {

    List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("lifecycle (waitlist " + waitlist + ")");
        lines.add(line("waitlisted", waitlisted + " (202 with \"waitlisted\": true: " + flaggedWaitlisted + ")"));
        lines.add(line("returned by winners", returned.size() + coupons(returned)));
        lines.add(line("waitlist served", served.size() + coupons(served)));
        lines.add(line("redeemed", orders.size() + (orders.isEmpty() ? "" : " (orders " + String.join(", ", orders) + ")")));
        if (repeatedRedemption != null) {
            boolean same = firstRedemption != null && repeatedRedemption.toString().equals(firstRedemption.toString());
            lines.add(line("redeemed " + orders.get(0) + " again", repeatedRedemption
                    + (same ? " (the same answer)" : " (differs from the first: " + firstRedemption + ")")));
        }
        if (cancellation != null) {
            lines.add(line("order " + cancelledOrder + " cancelled", cancellation + " (the coupon is usable again)"));
        }
        lines.add(line("coupon states in MySQL", states(states)
                + (states.equals(expectedStates) ? "" : " (expected " + states(expectedStates) + ")")));
        for (String problem : problems) {
            lines.add("  problem: " + problem);
        }
        return lines;
    }

    boolean ok() {
        return problems.isEmpty();
    }

    private static String line(String label, String value) {
        return String.format("  %-26s%s", label, value);
    }

    private static String coupons(List<Integer> numbers) {
        return numbers.isEmpty() ? "" : " (coupons " + ranges(numbers) + ")";
    }

    /** "1-10", "3, 5-7, 9": the numbers sorted, runs of consecutive ones as a range. */
    static String ranges(List<Integer> numbers) {
        List<Integer> sorted = numbers.stream().sorted().distinct().toList();
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            parts.add(i == j ? String.valueOf(sorted.get(i))
                    : sorted.get(i) + (j == i + 1 ? ", " : "-") + sorted.get(j));
            i = j + 1;
        }
        return String.join(", ", parts);
    }

    /** "ISSUED 96, REDEEMED 4, RETURNED 10", by state name; "none" for no row. */
    static String states(Map<String, Long> counts) {
        return counts.isEmpty() ? "none" : new TreeMap<>(counts).entrySet().stream()
                .map(entry -> entry.getKey() + " " + entry.getValue())
                .collect(Collectors.joining(", "));
    }
}
