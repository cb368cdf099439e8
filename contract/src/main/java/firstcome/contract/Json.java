package firstcome.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapping of firstcome's wire formats: ISO-8601 instants in UTC, unknown fields
 * ignored (a newer writer may add fields). A missing number reads as 0, which the records'
 * own checks refuse with a message naming the field.
 */
public final class Json {

    private static final ObjectMapper MAPPER = configured()
            // After the JavaTimeModule: the usual instants without DateTimeFormatter, the rest through it.
            .addModule(IsoInstants.module())
            .build();

    /** The mapping without {@link IsoInstants}: the JavaTimeModule alone, as tests compare against. */
    static JsonMapper.Builder configured() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    }

    private Json() {
    }

    /** A shared, thread-safe mapper configured for the wire formats. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
