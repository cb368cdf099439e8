package firstcome.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    private final Topics topics = Topics.standard();

    @Test
    void writesTheContractsJsonWithIsoInstants() {
        var request = new CouponRequest("r-1", "spring-sale", "u-42", Instant.parse("2026-11-24T10:00:00.123Z"));

        String json = new String(topics.requests().valueSerde().serializer().serialize("t", request), UTF_8);

        assertThat(json).isEqualTo(
                "{\"requestId\":\"r-1\",\"eventId\":\"spring-sale\",\"userId\":\"u-42\",\"receivedAt\":\"2026-11-24T10:00:00.123Z\"}");
    }

    @Test
    void writesATickWithoutAUserAndMarked() {
        var tick = new CouponRequest("t-1", "spring-sale", null, Instant.parse("2026-11-24T10:00:10.250Z"), true);

        String json = new String(topics.requests().valueSerde().serializer().serialize("t", tick), UTF_8);

        assertThat(json).isEqualTo(
                "{\"requestId\":\"t-1\",\"eventId\":\"spring-sale\",\"receivedAt\":\"2026-11-24T10:00:10.250Z\",\"tick\":true}");
        CouponRequest read = topics.requests().valueSerde().deserializer().deserialize("t", json.getBytes(UTF_8));
        assertThat(read).isEqualTo(tick);
        assertThat(read.isTick()).isTrue();
        assertThat(read.userId()).isNull();
    }

    @Test
    void makesATickForTheEventAtItsTime() {
        CouponRequest tick = CouponRequest.tick("e", Instant.parse("2026-11-24T10:00:10.250Z"));

        assertThat(tick.isTick()).isTrue();
        assertThat(tick.userId()).isNull();
        assertThat(tick.eventId()).isEqualTo("e");
        assertThat(tick.receivedAt()).isEqualTo(Instant.parse("2026-11-24T10:00:10.250Z"));
        assertThat(CouponRequest.tick("e", tick.receivedAt()).requestId()).isNotEqualTo(tick.requestId());
        assertThat(new CouponRequest("r", "e", "u", tick.receivedAt()).isTick()).isFalse();
    }

    @Test
    void refusesATickWithAUserNamingTheField() {
        assertThatThrownBy(() -> topics.requests().valueSerde().deserializer().deserialize("coupon-requests",
                "{\"requestId\":\"r\",\"eventId\":\"e\",\"userId\":\"u\",\"receivedAt\":\"2026-11-24T10:00:00Z\",\"tick\":true}"
                        .getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("userId");
    }

    @Test
    void readsBackWhatItWrote() {
        var coupon = new IssuedCoupon("e", "u", 7, "r", Instant.parse("2026-11-24T10:00:00Z"));
        var serde = topics.issued().valueSerde();

        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", coupon))).isEqualTo(coupon);
    }

    @Test
    void keepsAnOpenEndedEventsMissingClosingTime() {
        var serde = topics.events().valueSerde();

        EventDefinition read = serde.deserializer().deserialize("t",
                "{\"eventId\":\"e\",\"limit\":100,\"opensAt\":\"2026-11-24T10:00:00Z\"}".getBytes(UTF_8));

        assertThat(read.closesAt()).isNull();
        assertThat(read.limit()).isEqualTo(100);
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        CouponRequest read = topics.requests().valueSerde().deserializer().deserialize("t",
                "{\"requestId\":\"r\",\"eventId\":\"e\",\"userId\":\"u\",\"receivedAt\":\"2026-11-24T10:00:00Z\",\"extra\":1}"
                        .getBytes(UTF_8));

        assertThat(read.userId()).isEqualTo("u");
    }

    @Test
    void refusesGarbageBytesNamingTheType() {
        assertThatThrownBy(() -> topics.requests().valueSerde().deserializer()
                .deserialize("coupon-requests", new byte[] {(byte) 0xff, 0x00, 0x13}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not a valid CouponRequest in coupon-requests");
    }

    @Test
    void refusesARequestWithoutAUserNamingTheField() {
        assertThatThrownBy(() -> topics.requests().valueSerde().deserializer().deserialize("coupon-requests",
                "{\"requestId\":\"r\",\"eventId\":\"e\",\"receivedAt\":\"2026-11-24T10:00:00Z\"}".getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("userId");
    }

    @Test
    void refusesAnEventWithoutALimit() {
        assertThatThrownBy(() -> topics.events().valueSerde().deserializer().deserialize("coupon-events",
                "{\"eventId\":\"e\",\"opensAt\":\"2026-11-24T10:00:00Z\"}".getBytes(UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void refusesIdsOutsideTheContractsAlphabet() {
        assertThat(Ids.isValid("u-42@shop.example:1_a")).isTrue();
        assertThat(Ids.isValid("")).isFalse();
        assertThat(Ids.isValid("a b")).isFalse();
        assertThat(Ids.isValid("x".repeat(65))).isFalse();
        assertThat(Ids.isValid("é")).isFalse();
    }

    @Test
    void truncatesInstantsToTheMillisecondsOfRecordTimestamps() {
        var request = new CouponRequest("r", "e", "u", Instant.parse("2026-11-24T10:00:00.123456789Z"));

        assertThat(request.receivedAt()).isEqualTo(Instant.parse("2026-11-24T10:00:00.123Z"));
    }
}
