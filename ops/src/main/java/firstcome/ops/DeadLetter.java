package firstcome.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import firstcome.contract.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record of a dead-letter topic, read back: where it lies, the original record (key, value,
 * timestamp and its own headers) and why it was set aside, from the headers of whoever set it aside.
 *
 * <p>Two writers exist. The sink ({@code coupon-issued-dlq}) adds {@code firstcome.error.reason}
 * (a {@code DeadLetterReason}), {@code firstcome.error.message}, {@code firstcome.error.topic},
 * {@code .partition} and {@code .offset}. Kafka Streams (the streams-processor, {@code coupon-requests-dlq},
 * KIP-1034) adds {@code __streams.errors.exception} (the exception's class), {@code .message},
 * {@code .stacktrace}, {@code .topic}, {@code .partition} and {@code .offset}. Both keep the
 * original key, value, headers and record timestamp.
 */
record DeadLetter(String topic, int partition, long offset, Instant timestamp, byte[] key, byte[] value,
        String reason, String message, String setAsideBy, Optional<String> sourceTopic, Optional<Integer> sourcePartition,
        Optional<Long> sourceOffset, Optional<String> stacktrace, Headers originalHeaders) {

    static final String SINK_PREFIX = "firstcome.error.";
    static final String SINK_REASON = "firstcome.error.reason";
    static final String SINK_MESSAGE = "firstcome.error.message";
    static final String SINK_TOPIC = "firstcome.error.topic";
    static final String SINK_PARTITION = "firstcome.error.partition";
    static final String SINK_OFFSET = "firstcome.error.offset";

    static final String STREAMS_PREFIX = "__streams.errors.";
    static final String STREAMS_EXCEPTION = "__streams.errors.exception";
    static final String STREAMS_MESSAGE = "__streams.errors.message";
    static final String STREAMS_STACKTRACE = "__streams.errors.stacktrace";
    static final String STREAMS_TOPIC = "__streams.errors.topic";
    static final String STREAMS_PARTITION = "__streams.errors.partition";
    static final String STREAMS_OFFSET = "__streams.errors.offset";

    /** The header a re-driven record carries: the dead letter it came from, {@code topic/partition/offset}. */
    static final String REDRIVEN_FROM = "firstcome-redriven-from";

    static final String UNKNOWN = "UNKNOWN";

    /** Reads a record of a dead-letter topic. */
    static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        boolean bySink = headers.lastHeader(SINK_REASON) != null;
        boolean byStreams = headers.lastHeader(STREAMS_EXCEPTION) != null;
        String reason;
        String message;
        String by;
        Optional<String> sourceTopic;
        Optional<String> sourcePartition;
        Optional<String> sourceOffset;
        if (bySink) {
            reason = text(headers, SINK_REASON).orElse(UNKNOWN);
            message = text(headers, SINK_MESSAGE).orElse("");
            by = "sink";
            sourceTopic = text(headers, SINK_TOPIC);
            sourcePartition = text(headers, SINK_PARTITION);
            sourceOffset = text(headers, SINK_OFFSET);
        } else if (byStreams) {
            String exception = text(headers, STREAMS_EXCEPTION).orElse(UNKNOWN);
            reason = exception.substring(exception.lastIndexOf('.') + 1);
            message = text(headers, STREAMS_MESSAGE).orElse("");
            by = "streams-processor";
            sourceTopic = text(headers, STREAMS_TOPIC);
            sourcePartition = text(headers, STREAMS_PARTITION);
            sourceOffset = text(headers, STREAMS_OFFSET);
        } else {
            reason = UNKNOWN;
            message = "no header says why (neither the sink's firstcome.error.* nor Kafka Streams' __streams.errors.*)";
            by = "unknown";
            sourceTopic = Optional.empty();
            sourcePartition = Optional.empty();
            sourceOffset = Optional.empty();
        }
        // The original record's own headers: everything but the ones saying why (a re-driven record
        // set aside again keeps its firstcome-redriven-from, which the listing shows).
        RecordHeaders original = new RecordHeaders();
        for (Header header : headers) {
            if (!header.key().startsWith(SINK_PREFIX) && !header.key().startsWith(STREAMS_PREFIX)) {
                original.add(header);
            }
        }
        return new DeadLetter(record.topic(), record.partition(), record.offset(),
                record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null,
                record.key(), record.value(), reason, message, by, sourceTopic.filter(t -> !t.isBlank()),
                sourcePartition.flatMap(DeadLetter::integer).map(Long::intValue), sourceOffset.flatMap(DeadLetter::integer),
                text(headers, STREAMS_STACKTRACE), original);
    }

    /** {@code topic/partition/offset}: how the listing names it and how {@code redrive --dead-letter} takes it. */
    String id() {
        return id(topic, partition, offset);
    }

    static String id(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** Where the original record was read, {@code topic/partition/offset}, when the headers say. */
    Optional<String> source() {
        if (sourceTopic.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(sourceTopic.get() + sourcePartition.map(p -> "/" + p).orElse("") + sourceOffset.map(o -> "/" + o).orElse(""));
    }

    /** The key as UTF-8 text, {@code null} when there is none or it is not UTF-8. */
    String keyText() {
        return utf8(key).orElse(null);
    }

    /** The dead letter this record was re-driven from earlier and set aside again, if it was. */
    Optional<String> redrivenFrom() {
        return text(originalHeaders, REDRIVEN_FROM);
    }

    /** The listing's entry: a head line, then indented lines; {@code redriven} is what the re-drive log says of it. */
    List<String> lines(Optional<String> redriven) {
        List<String> lines = new ArrayList<>();
        lines.add(id() + "  " + (timestamp == null ? "no timestamp" : timestamp) + "  " + reason + " (set aside by the " + setAsideBy + ")");
        if (!message.isBlank()) {
            lines.add("    why:   " + oneLine(message));
        }
        lines.add("    from:  " + source().orElse("(not said)"));
        lines.add("    key:   " + shown(key));
        lines.add("    value: " + shown(value));
        for (Header header : originalHeaders) {
            lines.add("    header " + header.key() + ": " + shown(header.value()));
        }
        redriven.ifPresent(said -> lines.add("    re-driven: " + said));
        return lines;
    }

    /** The listing's entry for tools: one JSON object. */
    ObjectNode json(Optional<ObjectNode> redriven) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("topic", topic).put("partition", partition).put("offset", offset).put("id", id());
        if (timestamp != null) {
            node.put("timestamp", timestamp.toString());
        } else {
            node.putNull("timestamp");
        }
        node.put("reason", reason).put("message", message).put("setAsideBy", setAsideBy);
        ObjectNode source = node.putObject("source");
        sourceTopic.ifPresentOrElse(t -> source.put("topic", t), () -> source.putNull("topic"));
        sourcePartition.ifPresentOrElse(p -> source.put("partition", p), () -> source.putNull("partition"));
        sourceOffset.ifPresentOrElse(o -> source.put("offset", o), () -> source.putNull("offset"));
        bytes(node, "key", key);
        bytes(node, "value", value);
        ObjectNode headers = node.putObject("headers");
        for (Header header : originalHeaders) {
            bytes(headers, header.key(), header.value());
        }
        stacktrace.ifPresent(trace -> node.put("stacktrace", trace));
        redriven.ifPresentOrElse(r -> node.set("redriven", r), () -> node.putNull("redriven"));
        return node;
    }

    /**
     * Bytes as the listing shows them: UTF-8 text when they are valid UTF-8, else {@code base64:…};
     * {@code (none)} for no bytes at all (a null key or value).
     */
    static String shown(byte[] bytes) {
        if (bytes == null) {
            return "(none)";
        }
        return utf8(bytes).map(DeadLetter::oneLine).orElseGet(() -> "base64:" + Base64.getEncoder().encodeToString(bytes));
    }

    /** In JSON: {@code name} as a string (UTF-8) or {@code {"base64": "…"}}, null for no bytes. */
    private static void bytes(ObjectNode node, String name, byte[] bytes) {
        if (bytes == null) {
            node.putNull(name);
            return;
        }
        Optional<String> text = utf8(bytes);
        if (text.isPresent()) {
            node.put(name, text.get());
        } else {
            node.putObject(name).put("base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** The bytes decoded as UTF-8, empty when they are not valid UTF-8 (or null). */
    static Optional<String> utf8(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Line breaks shown as {@code \n}, so that one entry's lines stay its own. */
    private static String oneLine(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static Optional<String> text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty() : utf8(header.value());
    }

    private static Optional<Long> integer(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
