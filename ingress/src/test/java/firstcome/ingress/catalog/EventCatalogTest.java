package firstcome.ingress.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.EventDefinition;
import firstcome.ingress.api.EventId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCatalogTest {

    private static final Instant OPENS = Instant.parse("2026-11-24T10:00:00Z");

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

    private static EventDefinition definition(String id, int limit) {
        return new EventDefinition(id, limit, OPENS, null);
    }
}
