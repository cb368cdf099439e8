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
 * Status look-ups from the processor's state (interactive queries). An event's decisions live
 * in the task of the event's partition, so the event id alone says which instance holds them:
 * answered here when this instance runs that task, otherwise fetched from the instance that does.
 */
final class StatusQueries {

    /** Marks a request forwarded by another instance, so that a stale routing never loops. */
    static final String FORWARDED_HEADER = "X-Firstcome-Forwarded";

    private static final Serializer<String> EVENT_KEY = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    StatusQueries(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    /** The answer as the contract's JSON body and status, or empty while the state is not queryable. */
    Optional<Answer> statusOf(String eventId, String userId, boolean forwarded) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(IssuingTopology.DECISIONS_STORE, eventId, EVENT_KEY);
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return Optional.empty();
        }
        HostInfo owner = metadata.activeHost();
        if (owner.equals(self) || forwarded) {
            return local(eventId, userId, metadata.partition());
        }
        return remote(owner, eventId, userId);
    }

    private Optional<Answer> local(String eventId, String userId, int partition) {
        ReadOnlyKeyValueStore<String, Decision> store;
        try {
            store = streams.store(StoreQueryParameters
                    .fromNameAndType(IssuingTopology.DECISIONS_STORE, QueryableStoreTypes.<String, Decision>keyValueStore())
                    .withPartition(partition));
        } catch (RuntimeException e) {
            // Rebalancing or restoring: the caller answers 503 and the client retries.
            return Optional.empty();
        }
        Decision decision = store.get(Decision.key(eventId, userId));
        if (decision == null) {
            return Optional.of(new Answer(404, "{\"outcome\":\"NOT_APPLIED\"}"));
        }
        if (decision.holdsCoupon()) {
            return Optional.of(new Answer(200, "{\"outcome\":\"ISSUED\",\"couponNo\":" + decision.couponNo() + "}"));
        }
        return Optional.of(new Answer(200, "{\"outcome\":\"REJECTED\",\"reason\":\"" + decision.outcome() + "\"}"));
    }

    private Optional<Answer> remote(HostInfo owner, String eventId, String userId) {
        var request = HttpRequest.newBuilder(URI.create(
                        "http://" + owner.host() + ":" + owner.port() + "/events/" + eventId + "/applications/" + userId))
                .timeout(Duration.ofSeconds(2))
                .header(FORWARDED_HEADER, "1")
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 || response.statusCode() == 404) {
                return Optional.of(new Answer(response.statusCode(), response.body()));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    record Answer(int status, String json) {
    }
}
