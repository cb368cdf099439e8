package firstcome.ingress.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import firstcome.contract.CouponRequest;
import firstcome.contract.Topics;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The gate's pending copy and the record to coupon-requests are the same bytes, serialised once per application. */
class RequestJsonTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00.123Z");

    @Test
    void writesTheBytesOfTheRequestsTopicsSerde() {
        var request = CouponRequest.application("r-1", "spring-sale", "u-1", AT, null);

        byte[] json = RequestJson.of(request);

        var topic = Topics.standard().requests();
        assertThat(json).isEqualTo(topic.valueSerde().serializer().serialize(topic.name(), request));
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), json)).isEqualTo(request);
    }

    @Test
    void serialisesTheSameRequestOnceOnAThreadAndAnotherOneAgain() {
        var request = CouponRequest.application("r-1", "spring-sale", "u-1", AT, null);
        var equalButAnother = CouponRequest.application("r-1", "spring-sale", "u-1", AT, null);

        byte[] first = RequestJson.of(request);

        assertThat(RequestJson.of(request)).isSameAs(first);
        assertThat(RequestJson.of(equalButAnother)).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void remembersOnlyWhatItsOwnThreadSerialised() {
        var request = CouponRequest.application("r-2", "spring-sale", "u-2", AT, null);
        byte[] here = RequestJson.of(request);

        byte[] elsewhere = CompletableFuture.supplyAsync(() -> RequestJson.of(request)).join();

        assertThat(elsewhere).isNotSameAs(here).isEqualTo(here);
    }
}
