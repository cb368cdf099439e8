package firstcome.ingress.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import firstcome.contract.EventDefinition;
import firstcome.ingress.api.EventId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RetirementTimerTest {

    @Test
    void announcesAnEventWithinAPeriodOfItsRetirementWithoutAnyoneAsking() {
        // given: retention zero; an event that closes a moment from now, one that never closes
        EventCatalog catalog = new EventCatalog(new Retirement(Duration.ZERO));
        List<EventId> retired = new CopyOnWriteArrayList<>();
        catalog.onRetired(retired::add);
        Instant opens = Instant.now().minusSeconds(60);
        catalog.apply("soon", new EventDefinition("soon", 10, opens, Instant.now().plusMillis(300)), 1);
        catalog.apply("never", new EventDefinition("never", 10, opens, null), 2);
        catalog.markLoaded();

        // when
        try (var timer = new RetirementTimer(catalog, Clock.systemUTC(), Duration.ofMillis(50))) {
            timer.start();

            // then
            await().atMost(Duration.ofSeconds(5)).until(() -> !retired.isEmpty());
            assertThat(retired).containsExactly(new EventId("soon"));
        }
    }
}
