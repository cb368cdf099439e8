package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EligibilityTest {

    private final Eligibility goldOrVip = new Eligibility("tier", List.of("gold", "vip"));

    @Test
    void admitsAStringClaimInAnyOf() {
        assertThat(goldOrVip.matchIn(Map.of("tier", "gold"))).contains("gold");
        assertThat(goldOrVip.matchIn(Map.of("tier", "vip"))).contains("vip");
        assertThat(goldOrVip.admits(Map.of("tier", "silver"))).isFalse();
        assertThat(goldOrVip.admits(Map.of("tier", "Gold"))).isFalse();
    }

    @Test
    void admitsAnArrayWithAtLeastOneMatchingString() {
        assertThat(goldOrVip.matchIn(Map.of("tier", List.of("silver", "vip")))).contains("vip");
        assertThat(goldOrVip.matchIn(Map.of("tier", List.of("vip", "gold")))).contains("gold");
        assertThat(goldOrVip.admits(Map.of("tier", List.of("silver", "bronze")))).isFalse();
        assertThat(goldOrVip.admits(Map.of("tier", List.of()))).isFalse();
        assertThat(goldOrVip.admits(Map.of("tier", List.of(List.of("gold"), Map.of("tier", "gold"))))).isFalse();
    }

    @Test
    void refusesAMissingClaimOrOneOfAnotherType() {
        Map<String, Object> nullClaim = new HashMap<>();
        nullClaim.put("tier", null);

        assertThat(goldOrVip.admits(Map.of())).isFalse();
        assertThat(goldOrVip.admits(null)).isFalse();
        assertThat(goldOrVip.admits(nullClaim)).isFalse();
        assertThat(goldOrVip.admits(Map.of("level", "gold"))).isFalse();
        assertThat(new Eligibility("level", List.of("1")).admits(Map.of("level", 1L))).isFalse();
        assertThat(goldOrVip.admits(Map.of("tier", Map.of("gold", true)))).isFalse();
        assertThat(goldOrVip.admits(Map.of("tier", true))).isFalse();
    }

    @Test
    void checksAValueCarriedWithTheRequestAgainstTheRuleOfTheMoment() {
        assertThat(goldOrVip.accepts("tier", "gold")).isTrue();
        assertThat(goldOrVip.accepts("tier", "silver")).isFalse();
        assertThat(goldOrVip.accepts("level", "gold")).isFalse();
        assertThat(goldOrVip.accepts("tier", null)).isFalse();
    }

    @Test
    void refusesARuleOutsideItsBounds() {
        List<String> hundredAndOne = IntStream.rangeClosed(0, 100).mapToObj(i -> "v" + i).toList();
        assertThat(new Eligibility("a.b:c-d_9", hundredAndOne.subList(0, 100)).anyOf()).hasSize(100);
        assertThat(new Eligibility("x".repeat(64), List.of("y".repeat(64))).claim()).hasSize(64);

        assertThatThrownBy(() -> new Eligibility("", List.of("gold"))).hasMessageContaining("eligibility.claim");
        assertThatThrownBy(() -> new Eligibility(null, List.of("gold"))).hasMessageContaining("eligibility.claim");
        assertThatThrownBy(() -> new Eligibility("x".repeat(65), List.of("gold"))).hasMessageContaining("eligibility.claim");
        assertThatThrownBy(() -> new Eligibility("ti er", List.of("gold"))).hasMessageContaining("eligibility.claim");
        assertThatThrownBy(() -> new Eligibility("tier", List.of())).hasMessageContaining("eligibility.anyOf");
        assertThatThrownBy(() -> new Eligibility("tier", null)).hasMessageContaining("eligibility.anyOf");
        assertThatThrownBy(() -> new Eligibility("tier", hundredAndOne)).hasMessageContaining("eligibility.anyOf");
        assertThatThrownBy(() -> new Eligibility("tier", List.of(""))).hasMessageContaining("eligibility.anyOf");
        assertThatThrownBy(() -> new Eligibility("tier", List.of("y".repeat(65)))).hasMessageContaining("eligibility.anyOf");
        assertThatThrownBy(() -> new Eligibility("tier", Collections.singletonList(null))).hasMessageContaining("eligibility.anyOf");
    }

    @Test
    void keepsItsOwnCopyOfTheValues() {
        List<String> values = new java.util.ArrayList<>(List.of("gold"));
        Eligibility rule = new Eligibility("tier", values);
        values.set(0, "silver");

        assertThat(rule.admits(Map.of("tier", "gold"))).isTrue();
    }

    @Test
    void countsCharactersNotUtf16UnitsAsJsonSchemaDoes() {
        String sixtyFourEmoji = "\uD83C\uDF1F".repeat(64); // 64 characters, 128 UTF-16 units

        assertThat(new Eligibility("tier", List.of(sixtyFourEmoji)).anyOf()).containsExactly(sixtyFourEmoji);
        assertThat(new EligibleAs("tier", sixtyFourEmoji).value()).isEqualTo(sixtyFourEmoji);
        assertThatThrownBy(() -> new Eligibility("tier", List.of(sixtyFourEmoji + "x"))).hasMessageContaining("eligibility.anyOf");
        assertThatThrownBy(() -> new EligibleAs("tier", sixtyFourEmoji + "x")).hasMessageContaining("eligibleAs.value");
    }
}
