package firstcome.processor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * An event's tally (issued, and how many requests ended in each outcome) from the
 * {@code event-tallies} store, for the organiser's live view. Routed like {@link StatusQueries}:
 * answered here when this instance runs the event's task, otherwise fetched from the one that does.
 */
final class TallyQueries {

    private static final Serializer<String> EVENT_KEY = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    TallyQueries(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    /**
     * {@code {"eventId","issued","duplicates","soldOut","notOpen","closed","unknownEvent","decided"}}
     * (all 0 while no request of the event was decided), or empty while the state is not queryable.
     */
    Optional<String> tallyOf(String eventId, boolean forwarded) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(IssuingTopology.TALLIES_STORE, eventId, EVENT_KEY);
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return Optional.empty();
        }
        HostInfo owner = metadata.activeHost();
        if (owner.equals(self) || forwarded) {
            return local(eventId, metadata.partition());
        }
        return remote(owner, eventId);
    }

    private Optional<String> local(String eventId, int partition) {
        EventTally tally;
        try {
            ReadOnlyKeyValueStore<String, EventTally> store = streams.store(StoreQueryParameters
                    .fromNameAndType(IssuingTopology.TALLIES_STORE, QueryableStoreTypes.<String, EventTally>keyValueStore())
                    .withPartition(partition));
            tally = store.get(eventId);
        } catch (RuntimeException e) {
            // Rebalancing or restoring: the caller answers 503 and the client asks again.
            return Optional.empty();
        }
        return Optional.of(json(eventId, tally == null ? EventTally.NONE : tally));
    }

    private Optional<String> remote(HostInfo owner, String eventId) {
        var request = HttpRequest.newBuilder(URI.create(
                        "http://" + owner.host() + ":" + owner.port() + "/events/" + eventId + "/tally"))
                .timeout(Duration.ofSeconds(2))
                .header(StatusQueries.FORWARDED_HEADER, "1")
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The id has passed the contract's check ({@code [A-Za-z0-9_.:@-]}), so it needs no escaping. */
    static String json(String eventId, EventTally tally) {
        return "{\"eventId\":\"" + eventId + "\""
                + ",\"issued\":" + tally.issued()
                + ",\"duplicates\":" + tally.duplicates()
                + ",\"soldOut\":" + tally.soldOut()
                + ",\"notOpen\":" + tally.notOpen()
                + ",\"closed\":" + tally.closed()
                + ",\"unknownEvent\":" + tally.unknownEvent()
                + ",\"decided\":" + tally.decided() + "}";
    }
}
