package firstcome.ingress.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.ingress.api.ApiException;
import firstcome.ingress.api.EventId;
import firstcome.ingress.api.UserId;
import firstcome.ingress.processor.StatusLookup.ApplicationStatus;
import io.javalin.Javalin;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessorStatusLookupTest {

    private static final EventId EVENT = new EventId("e");
    private static final UserId USER = new UserId("u-1");
    private static final StatusLookup GATE_SAYS_PENDING = (event, user) -> Optional.of(ApplicationStatus.pending());

    private Javalin processor;

    @AfterEach
    void stopProcessor() {
        if (processor != null) {
            processor.stop();
        }
    }

    private URI processorAnswering(int status, String json) {
        processor = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.port = 0;
            cfg.routes.get("/events/{eventId}/applications/{userId}",
                    ctx -> ctx.status(status).contentType("application/json").result(json));
        }).start();
        return URI.create("http://localhost:" + processor.port());
    }

    @Test
    void passesOnTheCouponNumberTheProcessorHolds() {
        var lookup = new ProcessorStatusLookup(processorAnswering(200, "{\"outcome\":\"ISSUED\",\"couponNo\":17}"),
                GATE_SAYS_PENDING);

        assertThat(lookup.find(EVENT, USER)).contains(ApplicationStatus.issued(17));
    }

    @Test
    void passesOnARejectionWithItsReason() {
        var lookup = new ProcessorStatusLookup(
                processorAnswering(200, "{\"outcome\":\"REJECTED\",\"reason\":\"SOLD_OUT\"}"), GATE_SAYS_PENDING);

        assertThat(lookup.find(EVENT, USER)).contains(ApplicationStatus.rejected("SOLD_OUT"));
    }

    @Test
    void asksTheGateWhenTheProcessorHasNotDecidedYet() {
        var lookup = new ProcessorStatusLookup(processorAnswering(404, "{\"outcome\":\"NOT_APPLIED\"}"),
                GATE_SAYS_PENDING);

        assertThat(lookup.find(EVENT, USER)).contains(ApplicationStatus.pending());
    }

    @Test
    void answersUnavailableWhileTheProcessorRestoresItsState() {
        var lookup = new ProcessorStatusLookup(processorAnswering(503, "{\"outcome\":\"UNAVAILABLE\"}"),
                GATE_SAYS_PENDING);

        assertThatThrownBy(() -> lookup.find(EVENT, USER))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void answersUnavailableWhenTheProcessorDoesNotAnswer() {
        var lookup = new ProcessorStatusLookup(URI.create("http://localhost:1"), GATE_SAYS_PENDING);

        assertThatThrownBy(() -> lookup.find(EVENT, USER))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }
}
