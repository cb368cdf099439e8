package firstcome.contract.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import org.junit.jupiter.api.Test;

/** The query answers' JSON, which the processor writes and the ingress reads and passes on to shoppers. */
class QueryAnswersTest {

    @Test
    void writesEachStatusInTheContractsShape() throws Exception {
        assertThat(json(ApplicationStatus.issued(17))).isEqualTo("{\"outcome\":\"ISSUED\",\"couponNo\":17}");
        assertThat(json(ApplicationStatus.rejected(IssuingOutcome.SOLD_OUT)))
                .isEqualTo("{\"outcome\":\"REJECTED\",\"reason\":\"SOLD_OUT\"}");
        assertThat(json(ApplicationStatus.pending())).isEqualTo("{\"outcome\":\"PENDING\"}");
        assertThat(json(ApplicationStatus.notApplied())).isEqualTo("{\"outcome\":\"NOT_APPLIED\"}");
    }

    @Test
    void readsBackEveryStatusItWrote() throws Exception {
        for (ApplicationStatus status : new ApplicationStatus[] {ApplicationStatus.issued(1),
                ApplicationStatus.rejected(IssuingOutcome.CLOSED), ApplicationStatus.pending(), ApplicationStatus.notApplied()}) {
            assertThat(Json.mapper().readValue(json(status), ApplicationStatus.class)).isEqualTo(status);
        }
    }

    @Test
    void refusesAStatusWhoseFieldsContradictItsOutcome() {
        assertThatThrownBy(() -> Json.mapper().readValue("{\"outcome\":\"ISSUED\"}", ApplicationStatus.class))
                .isInstanceOf(ValueInstantiationException.class).hasMessageContaining("couponNo");
        assertThatThrownBy(() -> Json.mapper().readValue("{\"outcome\":\"REJECTED\"}", ApplicationStatus.class))
                .isInstanceOf(ValueInstantiationException.class).hasMessageContaining("reason");
    }

    @Test
    void writesATallyWithItsEventAndTotal() throws Exception {
        var tally = new Tally("e-1", 1, 0, 1, 0, 0, 0, 2);

        assertThat(json(tally)).isEqualTo("{\"eventId\":\"e-1\",\"issued\":1,\"duplicates\":0,\"soldOut\":1,"
                + "\"notOpen\":0,\"closed\":0,\"unknownEvent\":0,\"decided\":2,\"redeemed\":0,\"returned\":0,"
                + "\"waitlisted\":0}");
        assertThat(Json.mapper().readValue(json(tally), Tally.class)).isEqualTo(tally);
    }

    @Test
    void namesTheRoutesBothSidesUse() {
        assertThat(QueryRoutes.status("e-1", "u-42")).isEqualTo("/events/e-1/applications/u-42");
        assertThat(QueryRoutes.tally("e-1")).isEqualTo("/events/e-1/tally");
    }

    private static String json(Object value) throws Exception {
        return Json.mapper().writeValueAsString(value);
    }
}
