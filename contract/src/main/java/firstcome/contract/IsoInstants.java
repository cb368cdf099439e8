package firstcome.contract;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The wire's instants, {@code 2026-11-24T10:00:00.123Z}, written and read without
 * {@link DateTimeFormatter}: every record carries one or more, and the JDK's formatter was a tenth
 * of a replay's stream thread (BENCHMARKS.md, "The wire's instants; what bounds the replay"). Only
 * that one shape is handled here, for the years 1970 to 9999: exactly what {@link DateTimeFormatter#ISO_INSTANT} writes (the fraction in
 * groups of three digits, none when zero), and for reading, {@code yyyy-MM-ddTHH:mm:ss}, an optional
 * fraction of 1 to 9 digits, then {@code Z}. Anything else (an offset, a leap second, a date that does
 * not exist, a number, another year) goes to the JavaTimeModule's own serializer and deserializer,
 * so what is accepted, what is refused and every message stay theirs.
 */
final class IsoInstants {

    /** 9999-12-31T23:59:59Z: the last second with a four-digit year. */
    private static final long LAST_SECOND = 253_402_300_799L;

    private IsoInstants() {
    }

    static SimpleModule module() {
        return new SimpleModule("iso-instants")
                .addSerializer(Instant.class, new Writer())
                .addDeserializer(Instant.class, new Reader(InstantDeserializer.INSTANT));
    }

    /** The text {@link DateTimeFormatter#ISO_INSTANT} writes for this instant, or null outside the fast shape. */
    static String format(Instant instant) {
        char[] text = new char[30];
        int length = format(instant, text);
        return length < 0 ? null : new String(text, 0, length);
    }

    /** Writes the instant into {@code out} (30 chars at least); its length, or -1 outside the fast shape. */
    private static int format(Instant instant, char[] out) {
        long second = instant.getEpochSecond();
        if (second < 0 || second > LAST_SECOND) {
            return -1;
        }
        int nano = instant.getNano();
        LocalDateTime time = LocalDateTime.ofEpochSecond(second, nano, ZoneOffset.UTC);
        digits(out, 0, time.getYear(), 4);
        out[4] = '-';
        digits(out, 5, time.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, time.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, time.getHour(), 2);
        out[13] = ':';
        digits(out, 14, time.getMinute(), 2);
        out[16] = ':';
        digits(out, 17, time.getSecond(), 2);
        int at = 19;
        if (nano != 0) {
            out[at++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(out, at, nano / 1_000_000, 3);
                at += 3;
            } else if (nano % 1_000 == 0) {
                digits(out, at, nano / 1_000, 6);
                at += 6;
            } else {
                digits(out, at, nano, 9);
                at += 9;
            }
        }
        out[at++] = 'Z';
        return at;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The instant this text names, or null when it is not the fast shape or names no valid time. */
    static Instant parse(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        if (year < 1970 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nano = 0;
        if (length > 20) {
            int digits = length - 21;
            if (text.charAt(19) != '.' || digits < 1) {
                return null;
            }
            nano = number(text, 20, digits);
            if (nano < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nano *= 10;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException notADate) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nano);
    }

    /** The decimal number of these digits, or -1 if one is not a digit. */
    private static int number(String text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static final class Writer extends StdSerializer<Instant> implements ContextualSerializer {

        Writer() {
            super(Instant.class);
        }

        /** A property with a format of its own ({@code @JsonFormat}, a config override) gets the module's serializer. */
        @Override
        public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property) throws JsonMappingException {
            JsonSerializer<?> contextual = InstantSerializer.INSTANCE.createContextual(provider, property);
            return contextual == InstantSerializer.INSTANCE ? this : contextual;
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (!provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
                char[] text = new char[30];
                int length = format(value, text);
                if (length > 0) {
                    gen.writeString(text, 0, length);
                    return;
                }
            }
            InstantSerializer.INSTANCE.serialize(value, gen, provider);
        }
    }

    private static final class Reader extends StdScalarDeserializer<Instant> implements ContextualDeserializer {

        private final JsonDeserializer<Instant> fallback;

        Reader(JsonDeserializer<Instant> fallback) {
            super(Instant.class);
            this.fallback = fallback;
        }

        /**
         * A property with a format of its own ({@code @JsonFormat}, a config override) gets the module's
         * deserializer alone: the fast path reads the wire's one shape, not a pattern of the property's.
         */
        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            var contextual = ((ContextualDeserializer) fallback).createContextual(ctxt, property);
            return contextual == fallback ? this : contextual;
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.DateTime;
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                Instant fast = parse(p.getText());
                if (fast != null) {
                    return fast;
                }
            }
            return fallback.deserialize(p, ctxt);
        }
    }
}
