package firstcome.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import firstcome.contract.Json;
import firstcome.contract.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The dead-letters command's options, and how a dead letter is read from its headers and shown. */
class DeadLettersTest {

    private static final Topics TOPICS = Topics.standard();
    private static final Instant AT = Instant.parse("2026-11-30T10:00:00.123Z");

    @Test
    void listIsTheDefaultOverBothDeadLetterTopics() {
        DeadLetters.Options options = DeadLetters.parse(new String[0], TOPICS);

        assertThat(options.mode()).isEqualTo(DeadLetters.Mode.LIST);
        assertThat(options.topics()).containsExactly(Topics.REQUESTS_DLQ, Topics.ISSUED_DLQ);
        assertThat(options.json()).isFalse();
        assertThat(options.failIfAny()).isFalse();
    }

    @Test
    void listTakesItsFilters() {
        DeadLetters.Options options = DeadLetters.parse(new String[] {"list", "--topic", "coupon-issued-dlq", "--event", "spring",
                "--since", "2026-11-30T00:00:00Z", "--json", "--fail-if-any"}, TOPICS);

        assertThat(options.topics()).containsExactly(Topics.ISSUED_DLQ);
        assertThat(options.events()).containsExactly("spring");
        assertThat(options.since()).contains(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(options.json()).isTrue();
        assertThat(options.failIfAny()).isTrue();
    }

    @Test
    void redriveTakesOneDeadLetterByItsCoordinatesOrByItsId() {
        DeadLetters.Options byCoordinates = DeadLetters.parse(new String[] {"redrive", "--topic", "coupon-issued-dlq", "--partition", "2",
                "--offset", "17"}, TOPICS);
        DeadLetters.Options byIds = DeadLetters.parse(new String[] {"redrive", "--dead-letter", "coupon-issued-dlq/2/17",
                "--dead-letter", "coupon-requests-dlq/0/3", "--force"}, TOPICS);

        assertThat(byCoordinates.mode()).isEqualTo(DeadLetters.Mode.REDRIVE);
        assertThat(byCoordinates.chosen()).containsExactly(new DeadLetters.Coordinates(Topics.ISSUED_DLQ, 2, 17));
        assertThat(byCoordinates.force()).isFalse();
        assertThat(byIds.chosen()).extracting(DeadLetters.Coordinates::id)
                .containsExactly("coupon-issued-dlq/2/17", "coupon-requests-dlq/0/3");
        assertThat(byIds.force()).isTrue();
    }

    @Test
    void redriveAllTakesTheListingsFilters() {
        DeadLetters.Options options = DeadLetters.parse(new String[] {"redrive", "--all", "--event", "spring"}, TOPICS);

        assertThat(options.all()).isTrue();
        assertThat(options.chosen()).isEmpty();
        assertThat(options.events()).containsExactly("spring");
    }

    @Test
    void badOptionsAreRefusedNamingWhatIsWrong() {
        assertRefused(new String[] {"purge"}, "unknown action 'purge' (list or redrive)");
        assertRefused(new String[] {"--topic", "coupon-issued"}, "--topic must name a dead-letter topic (coupon-issued-dlq or"
                + " coupon-requests-dlq), was 'coupon-issued'");
        assertRefused(new String[] {"--since", "yesterday"}, "--since must be an ISO-8601 instant");
        assertRefused(new String[] {"--event", "bad id!"}, "--event");
        assertRefused(new String[] {"--force"}, "unknown option '--force'");
        assertRefused(new String[] {"redrive"}, "redrive needs the dead letters");
        assertRefused(new String[] {"redrive", "--all", "--dead-letter", "coupon-issued-dlq/0/1"}, "do not name single ones with it");
        assertRefused(new String[] {"redrive", "--topic", "coupon-issued-dlq", "--partition", "0"}, "--partition and --offset go together");
        assertRefused(new String[] {"redrive", "--topic", "coupon-issued-dlq", "--partition", "0", "--offset", "-1"},
                "--offset needs a number 0 or more, was '-1'");
        assertRefused(new String[] {"redrive", "--dead-letter", "coupon-issued-dlq:0:1"}, "--dead-letter must be TOPIC/PARTITION/OFFSET");
        assertRefused(new String[] {"redrive", "--dead-letter", "coupon-issued-dlq/0/1", "--event", "spring"},
                "--event and --since choose dead letters for --all only");
        assertRefused(new String[] {"redrive", "--all", "--json"}, "unknown option '--json'");
    }

    @Test
    void badOptionsExitWithStatusTwoAndTheUsage() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();

        int status = DeadLetters.run(Map.of(), new String[] {"list", "--topic", "nope"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), TOPICS, DeadLetters.REDRIVEN_TOPIC, Clock.systemUTC());

        assertThat(status).isEqualTo(DeadLetters.CANNOT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("dead-letters: --topic must name a dead-letter topic", "usage: dead-letters");
    }

    @Test
    void readsTheSinksHeadersAndShowsTheOriginalRecord() {
        var headers = new RecordHeaders();
        headers.add("traceparent", utf8("00-abc-01"));
        headers.add(DeadLetter.SINK_REASON, utf8("COUPON_NO_TAKEN"));
        headers.add(DeadLetter.SINK_MESSAGE, utf8("the table holds coupon 1 of event spring for user intruder"));
        headers.add(DeadLetter.SINK_TOPIC, utf8("coupon-issued"));
        headers.add(DeadLetter.SINK_PARTITION, utf8("4"));
        headers.add(DeadLetter.SINK_OFFSET, utf8("48"));
        DeadLetter letter = DeadLetter.of(record("coupon-issued-dlq", 1, 7, utf8("spring"), utf8("{\"couponNo\":1}"), headers));

        assertThat(letter.id()).isEqualTo("coupon-issued-dlq/1/7");
        assertThat(letter.reason()).isEqualTo("COUPON_NO_TAKEN");
        assertThat(letter.source()).contains("coupon-issued/4/48");
        assertThat(letter.lines(Optional.of("at 2026-11-30T11:00:00Z into table coupon (WRITTEN)"))).containsExactly(
                "coupon-issued-dlq/1/7  2026-11-30T10:00:00.123Z  COUPON_NO_TAKEN (set aside by the sink)",
                "    why:   the table holds coupon 1 of event spring for user intruder",
                "    from:  coupon-issued/4/48",
                "    key:   spring",
                "    value: {\"couponNo\":1}",
                "    header traceparent: 00-abc-01",
                "    re-driven: at 2026-11-30T11:00:00Z into table coupon (WRITTEN)");
    }

    @Test
    void readsKafkaStreamsHeadersAndShowsBytesThatAreNotUtf8AsBase64() {
        var headers = new RecordHeaders();
        headers.add(DeadLetter.STREAMS_EXCEPTION, utf8("org.apache.kafka.common.errors.SerializationException"));
        headers.add(DeadLetter.STREAMS_MESSAGE, utf8("not a valid CouponRequest:\nUnexpected character"));
        headers.add(DeadLetter.STREAMS_STACKTRACE, utf8("trace"));
        headers.add(DeadLetter.STREAMS_TOPIC, utf8("coupon-requests"));
        headers.add(DeadLetter.STREAMS_PARTITION, utf8("2"));
        headers.add(DeadLetter.STREAMS_OFFSET, utf8("9"));
        DeadLetter letter = DeadLetter.of(record("coupon-requests-dlq", 0, 3, null, new byte[] {(byte) 0xff, 0x01}, headers));

        assertThat(letter.reason()).isEqualTo("SerializationException");
        assertThat(letter.setAsideBy()).isEqualTo("streams-processor");
        assertThat(letter.lines(Optional.empty())).containsExactly(
                "coupon-requests-dlq/0/3  2026-11-30T10:00:00.123Z  SerializationException (set aside by the streams-processor)",
                "    why:   not a valid CouponRequest:\\nUnexpected character",
                "    from:  coupon-requests/2/9",
                "    key:   (none)",
                "    value: base64:/wE=");

        ObjectNode json = letter.json(Optional.empty());
        assertThat(json.path("value").path("base64").asText()).isEqualTo("/wE=");
        assertThat(json.path("key").isNull()).isTrue();
        assertThat(json.path("source").path("partition").asInt()).isEqualTo(2);
        assertThat(json.path("stacktrace").asText()).isEqualTo("trace");
        assertThat(json.path("headers").size()).isZero();
        assertThat(json.path("redriven").isNull()).isTrue();
    }

    @Test
    void aRecordWithoutHeadersSaysSo() throws Exception {
        DeadLetter letter = DeadLetter.of(record("coupon-issued-dlq", 0, 0, utf8("e"), utf8("v"), new RecordHeaders()));

        assertThat(letter.reason()).isEqualTo("UNKNOWN");
        assertThat(letter.source()).isEmpty();
        assertThat(letter.lines(Optional.empty())).contains("    from:  (not said)");
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(letter.json(Optional.empty())));
        assertThat(json.path("source").path("topic").isNull()).isTrue();
    }

    private static void assertRefused(String[] args, String message) {
        assertThatThrownBy(() -> DeadLetters.parse(args, TOPICS)).as(List.of(args).toString())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, byte[] key, byte[] value,
            RecordHeaders headers) {
        return new ConsumerRecord<>(topic, partition, offset, AT.toEpochMilli(), TimestampType.CREATE_TIME, ConsumerRecord.NULL_SIZE,
                ConsumerRecord.NULL_SIZE, key, value, headers, Optional.empty());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
