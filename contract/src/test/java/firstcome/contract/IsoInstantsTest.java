package firstcome.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    /** The same mapping with the JavaTimeModule alone: what the wire's instants were before. */
    private static final ObjectMapper PLAIN = Json.configured().build();
    private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void writesAndReadsEveryInstantOfTheFastShapeAsTheJdkFormatterDoes() throws Exception {
        var random = new SplittableRandom(20261203);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(LAST_SECOND + 1), nano(random));
            String iso = DateTimeFormatter.ISO_INSTANT.format(instant);

            assertThat(IsoInstants.format(instant)).isEqualTo(iso);
            assertThat(IsoInstants.parse(iso)).isEqualTo(instant);
            assertThat(Json.mapper().writeValueAsString(instant)).isEqualTo(PLAIN.writeValueAsString(instant));
            assertThat(Json.mapper().readValue('"' + iso + '"', Instant.class)).isEqualTo(instant);
        }
    }

    private static int nano(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
        };
    }

    @Test
    void writesTheEdgesOfTheFastShapeAndBeyondAsTheJdkFormatterDoes() throws Exception {
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(LAST_SECOND, 999_999_999),
                Instant.ofEpochSecond(-1), Instant.ofEpochSecond(LAST_SECOND + 1), Instant.MIN, Instant.MAX,
                Instant.parse("2026-11-24T10:00:00.100Z"), Instant.parse("2026-11-24T10:00:00.000100Z"),
                Instant.parse("2026-11-24T10:00:00.000000100Z"), Instant.parse("2028-02-29T23:59:59.999Z")));
        for (Instant instant : instants) {
            assertThat(Json.mapper().writeValueAsString(instant)).as("%s", instant)
                    .isEqualTo('"' + DateTimeFormatter.ISO_INSTANT.format(instant) + '"')
                    .isEqualTo(PLAIN.writeValueAsString(instant));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-24T10:00:00.1Z", "2026-11-24T10:00:00.12345Z", "2026-11-24T10:00:00.12345678Z",
            "2026-11-24T10:00:00.000Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"})
    void readsFractionsOfAnyLengthAsTheJdkParserDoes(String text) {
        assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
    }

    /**
     * Off the fast shape the JavaTimeModule decides: the same instant, or the same refusal with the
     * same message, as the mapping without the fast path.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\"2026-11-24T10:00:00+01:00\"", "\"2026-11-24T10:00:00.123+00:00\"",
            "\"2026-02-30T00:00:00Z\"", "\"2026-11-24T24:00:00Z\"", "\"2026-12-31T23:59:60Z\"",
            "\"1969-12-31T23:59:59Z\"", "\"+10000-01-01T00:00:00Z\"", "\"2026-11-24t10:00:00z\"",
            "\"2026-11-24 10:00:00Z\"", "\"\"", "\"  \"", "\"2026-11-24T10:00:00.Z\"",
            "\"2026-11-24T10:00:00.1234567890Z\"", "\"2026-11-24T10:00Z\"", "\"2026-13-01T00:00:00Z\"",
            "\"2026-1a-01T00:00:00Z\"", "\"1700000000\"", "1700000000", "1700000000.5", "null", "true", "[]",
            "\"2026-11-24T10:00:00.-12Z\"", "\"2026-11-24T10:60:00Z\""})
    void leavesEveryOtherTextToTheJavaTimeModule(String json) {
        assertThat(outcome(Json.mapper(), json)).isEqualTo(outcome(PLAIN, json));
    }

    private static String outcome(ObjectMapper mapper, String json) {
        return outcome(mapper, json, Instant.class);
    }

    private static String outcome(ObjectMapper mapper, String json, Class<?> type) {
        try {
            return "read " + mapper.readValue(json, type);
        } catch (Exception refused) {
            return refused.getClass().getName() + ": " + refused.getMessage();
        }
    }

    @Test
    void readsTheRecordsInstantsThroughTheFastPath() throws Exception {
        var request = new CouponRequest("r-1", "spring-sale", "u-42", Instant.parse("2026-11-24T10:00:00.123Z"));
        String json = Json.mapper().writeValueAsString(request);

        assertThat(json).isEqualTo(PLAIN.writeValueAsString(request));
        assertThat(Json.mapper().readValue(json, CouponRequest.class)).isEqualTo(request);
        assertThat(Json.mapper().getSerializerProviderInstance().findValueSerializer(Instant.class).getClass().getName())
                .isEqualTo(IsoInstants.class.getName() + "$Writer");
        var reading = ((DefaultDeserializationContext) Json.mapper().getDeserializationContext())
                .createInstance(Json.mapper().getDeserializationConfig(), null, null);
        assertThat(reading.findRootValueDeserializer(reading.constructType(Instant.class)).getClass().getName())
                .isEqualTo(IsoInstants.class.getName() + "$Reader");
    }

    @Test
    void leavesAPropertyWithAFormatOfItsOwnToTheJavaTimeModule() throws Exception {
        var stamped = new Stamped(Instant.parse("2026-11-24T10:00:00.123Z"));

        assertThat(Json.mapper().writeValueAsString(stamped)).isEqualTo("{\"at\":1795514400.123000000}")
                .isEqualTo(PLAIN.writeValueAsString(stamped));
        assertThat(Json.mapper().readValue("{\"at\":\"2026-11-24 10:00:00\"}", Patterned.class))
                .isEqualTo(PLAIN.readValue("{\"at\":\"2026-11-24 10:00:00\"}", Patterned.class));
        assertThat(outcome(Json.mapper(), "{\"at\":\"2026-11-24T10:00:00Z\"}", Patterned.class))
                .isEqualTo(outcome(PLAIN, "{\"at\":\"2026-11-24T10:00:00Z\"}", Patterned.class))
                .startsWith("com.fasterxml.jackson");
    }

    record Stamped(@JsonFormat(shape = JsonFormat.Shape.NUMBER) Instant at) {
    }

    record Patterned(@JsonFormat(pattern = "yyyy-MM-dd HH:mm:ss", timezone = "UTC") Instant at) {
    }
}
