package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DrawWindowTest {

    private static final String SEED = "00".repeat(31) + "01";
    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void commitsToTheSeedAndRanksByTheHashOfSeedAndUser() {
        var draw = new DrawWindow(10, null, SEED);

        // sha256 of 31 zero bytes and a one, and of those bytes followed by "alice" (printf/xxd/sha256sum)
        assertThat(draw.commitment()).hasSize(64).isEqualTo(DrawWindow.rankKey(SEED, ""));
        assertThat(draw.rankKey("alice")).hasSize(64).isEqualTo(DrawWindow.rankKey(SEED, "alice"))
                .isNotEqualTo(draw.rankKey("bob"));
    }

    @Test
    void aFreshWindowHasANewSeedAndKeepsItWhenChanged() {
        var random = new SecureRandom();
        var one = DrawWindow.fresh(10, null, random);
        var two = DrawWindow.fresh(10, null, random);

        assertThat(one.seed()).hasSize(64).isNotEqualTo(two.seed());
        assertThat(one.with(20, 500)).isEqualTo(new DrawWindow(20, 500, one.seed()));
    }

    @Test
    void theEventKnowsItsWindowCapAndCapacityByTime() {
        var event = new EventDefinition("e", 100, OPENS, null, 10, null, new DrawWindow(10, null, SEED));

        assertThat(event.drawEndsAt()).isEqualTo(OPENS.plusSeconds(10));
        assertThat(event.inDrawWindowAt(OPENS)).isTrue();
        assertThat(event.inDrawWindowAt(OPENS.plusMillis(9_999))).isTrue();
        assertThat(event.inDrawWindowAt(OPENS.plusSeconds(10))).isFalse();
        assertThat(event.inDrawWindowAt(OPENS.minusMillis(1))).isFalse();
        assertThat(event.drawCap()).isEqualTo(11_000);
        assertThat(event.capacityAt(OPENS.plusSeconds(1))).isEqualTo(11_000);
        assertThat(event.capacityAt(OPENS.plusSeconds(10))).isEqualTo(110);
        assertThat(event.withDraw(new DrawWindow(10, 500, SEED)).drawCap()).isEqualTo(500);
        assertThat(event.withDraw(null).capacityAt(OPENS)).isEqualTo(110);
    }

    @Test
    void refusesABadWindowCapSeedAndAClosingInsideTheWindow() {
        assertThatThrownBy(() -> new DrawWindow(0, null, SEED)).hasMessageContaining("drawWindowSeconds");
        assertThatThrownBy(() -> new DrawWindow(3601, null, SEED)).hasMessageContaining("drawWindowSeconds");
        assertThatThrownBy(() -> new DrawWindow(10, 0, SEED)).hasMessageContaining("drawCap");
        assertThatThrownBy(() -> new DrawWindow(10, null, "ab")).hasMessageContaining("seed");
        assertThatThrownBy(() -> new EventDefinition("e", 1, OPENS, OPENS.plusSeconds(5), 0, null,
                new DrawWindow(10, null, SEED))).hasMessageContaining("draw window's end");
    }

    @Test
    void writesTheDrawIntoTheDefinitionOnlyWhenThereIsOne() throws Exception {
        var mapper = Json.mapper();
        var plain = new EventDefinition("e", 1, OPENS, null);
        var drawn = plain.withDraw(new DrawWindow(10, null, SEED));

        assertThat(mapper.writeValueAsString(plain)).doesNotContain("draw");
        assertThat(mapper.writeValueAsString(drawn)).contains("\"draw\":{\"windowSeconds\":10,\"seed\":\"" + SEED + "\"}");
        assertThat(mapper.readValue(mapper.writeValueAsString(drawn), EventDefinition.class)).isEqualTo(drawn);
    }
}
