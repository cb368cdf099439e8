package firstcome.ingress.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.EventDefinition;
import firstcome.ingress.api.EventId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCatalogTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-11-24T11:00:00Z");

    private final EventCatalog catalog = new EventCatalog();
    private final List<EventId> changes = new ArrayList<>();

    {
        catalog.onChange(changes::add);
    }

    @Test
    void keepsTheDefinitionOfTheLatestOffset() {
        catalog.apply("e1", definition("e1", 10), 3);
        catalog.apply("e1", definition("e1", 20), 7);

        assertThat(catalog.find(new EventId("e1"))).contains(definition("e1", 20));
        assertThat(changes).containsExactly(new EventId("e1"), new EventId("e1"));
    }

    @Test
    void ignoresARecordOlderThanTheOneItHas() {
        // the admin call applied offset 7 before the follower read offset 3
        catalog.apply("e1", definition("e1", 20), 7);

        catalog.apply("e1", definition("e1", 10), 3);
        catalog.apply("e1", definition("e1", 20), 7);

        assertThat(catalog.find(new EventId("e1"))).contains(definition("e1", 20));
        assertThat(changes).containsExactly(new EventId("e1"));
    }

    @Test
    void forgetsAnEventOnATombstone() {
        catalog.apply("e1", definition("e1", 10), 1);

        catalog.apply("e1", null, 2);

        assertThat(catalog.find(new EventId("e1"))).isEmpty();
        assertThat(catalog.size()).isZero();
    }

    @Test
    void isLoadedOnlyOnceMarkedSo() {
        catalog.apply("e1", definition("e1", 10), 1);
        assertThat(catalog.isLoaded()).isFalse();

        catalog.markLoaded();

        assertThat(catalog.isLoaded()).isTrue();
    }

    @Test
    void announcesEachRetiredEventOnceWhenItsRetirementInstantHasCome() {
        // given: retention one day; e1 closes an hour after opening, e2 a day later, e3 never
        EventCatalog catalog = retiringAfterADay();
        List<EventId> retired = new ArrayList<>();
        catalog.onRetired(retired::add);
        catalog.apply("e1", closing("e1", CLOSES), 1);
        catalog.apply("e2", closing("e2", CLOSES.plus(Duration.ofDays(1))), 2);
        catalog.apply("e3", definition("e3", 10), 3);
        catalog.markLoaded();

        // when / then
        assertThat(catalog.retireDue(CLOSES.plus(Duration.ofDays(1)).minusMillis(1))).isEmpty();
        assertThat(catalog.retireDue(CLOSES.plus(Duration.ofDays(1)))).containsExactly(new EventId("e1"));
        assertThat(catalog.retireDue(CLOSES.plus(Duration.ofDays(30)))).containsExactly(new EventId("e2"));
        assertThat(catalog.retireDue(Instant.MAX)).isEmpty();
        assertThat(retired).containsExactly(new EventId("e1"), new EventId("e2"));
        assertThat(catalog.live(CLOSES.plus(Duration.ofDays(30)))).extracting(EventDefinition::eventId).containsExactly("e3");
        assertThat(catalog.find(new EventId("e1"))).as("a retired event stays known").isPresent();
    }

    @Test
    void announcesNothingBeforeItIsLoaded() {
        EventCatalog catalog = retiringAfterADay();
        catalog.apply("e1", closing("e1", CLOSES), 1);

        assertThat(catalog.retireDue(Instant.MAX)).isEmpty();

        catalog.markLoaded();
        assertThat(catalog.retireDue(Instant.MAX)).containsExactly(new EventId("e1"));
    }

    @Test
    void aMovedClosingMovesTheRetirementAndTellsItsListeners() {
        EventCatalog catalog = retiringAfterADay();
        List<EventDefinition> moved = new ArrayList<>();
        catalog.onRetirementMoved(moved::add);
        catalog.apply("e1", closing("e1", CLOSES), 1);
        catalog.markLoaded();
        EventDefinition later = closing("e1", CLOSES.plus(Duration.ofDays(3)));

        catalog.apply("e1", later, 2, CLOSES.minusSeconds(60));

        assertThat(moved).containsExactly(later);
        assertThat(catalog.retiresAt(new EventId("e1"))).contains(CLOSES.plus(Duration.ofDays(4)));
        assertThat(catalog.retireDue(CLOSES.plus(Duration.ofDays(2)))).isEmpty();
        assertThat(catalog.retireDue(CLOSES.plus(Duration.ofDays(4)))).containsExactly(new EventId("e1"));
    }

    @Test
    void retiresAnEventTheRetentionPastItsCouponsValidityWhenTheyOutliveItsClosingOrItNeverCloses() {
        EventCatalog catalog = retiringAfterADay();
        Instant validUntil = CLOSES.plus(Duration.ofDays(30));
        catalog.apply("outlives", new EventDefinition("outlives", 10, OPENS, CLOSES, 0, validUntil), 1);
        catalog.apply("byValidity", new EventDefinition("byValidity", 10, OPENS, null, 0, validUntil.plusSeconds(1)), 2);
        catalog.markLoaded();

        assertThat(catalog.retireDue(CLOSES.plus(Duration.ofDays(1)))).isEmpty();
        assertThat(catalog.retiredAt(new EventId("outlives"), CLOSES.plus(Duration.ofDays(1)))).isEmpty();
        assertThat(catalog.retiresAt(new EventId("outlives"))).contains(validUntil.plus(Duration.ofDays(1)));
        assertThat(catalog.retireDue(validUntil.plus(Duration.ofDays(1)).plusSeconds(1)))
                .containsExactly(new EventId("outlives"), new EventId("byValidity"));
    }

    @Test
    void aMovedValidityMovesTheRetirementAndTellsItsListeners() {
        EventCatalog catalog = retiringAfterADay();
        List<EventDefinition> moved = new ArrayList<>();
        catalog.onRetirementMoved(moved::add);
        Instant validUntil = CLOSES.plus(Duration.ofDays(30));
        catalog.apply("e1", new EventDefinition("e1", 10, OPENS, CLOSES, 0, validUntil), 1);
        catalog.markLoaded();
        EventDefinition raised = new EventDefinition("e1", 20, OPENS, CLOSES, 0, validUntil);
        EventDefinition longer = new EventDefinition("e1", 20, OPENS, CLOSES, 0, validUntil.plus(Duration.ofDays(5)));

        catalog.apply("e1", raised, 2, OPENS);
        catalog.apply("e1", longer, 3, OPENS);

        assertThat(moved).containsExactly(longer);
        assertThat(catalog.retiresAt(new EventId("e1"))).contains(validUntil.plus(Duration.ofDays(6)));
    }

    @Test
    void neverOpensARetiredEventAgainForADefinitionWrittenAfterItRetired() {
        EventCatalog catalog = retiringAfterADay();
        EventDefinition first = closing("e1", CLOSES);
        catalog.apply("e1", first, 1);
        Instant retiredAt = CLOSES.plus(Duration.ofDays(1));

        catalog.apply("e1", new EventDefinition("e1", 5, retiredAt, null), 2, retiredAt);
        catalog.apply("e1", null, 3, retiredAt.plusSeconds(1));

        assertThat(catalog.find(new EventId("e1"))).contains(first);
        assertThat(catalog.retiredAt(new EventId("e1"), retiredAt)).contains(retiredAt);
    }

    @Test
    void takesADefinitionWrittenBeforeTheRetirementEvenWhenReadAfterIt() {
        // reading the topic from its start long after: the closing was moved while the event was live
        EventCatalog catalog = retiringAfterADay();
        catalog.apply("e1", closing("e1", CLOSES), 1, OPENS);
        EventDefinition moved = closing("e1", CLOSES.plus(Duration.ofDays(10)));

        catalog.apply("e1", moved, 2, CLOSES.plusSeconds(60));

        assertThat(catalog.find(new EventId("e1"))).contains(moved);
        assertThat(catalog.retiredAt(new EventId("e1"), CLOSES.plus(Duration.ofDays(2)))).isEmpty();
    }

    private static EventCatalog retiringAfterADay() {
        return new EventCatalog(new Retirement(Duration.ofDays(1)));
    }

    private static EventDefinition closing(String id, Instant closesAt) {
        return new EventDefinition(id, 10, OPENS, closesAt);
    }

    private static EventDefinition definition(String id, int limit) {
        return new EventDefinition(id, limit, OPENS, null);
    }
}
