package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.loadkit.CouponRow;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * What a pipeline must have kept once a spike is over, whatever stopped or died meanwhile: exactly
 * {@code limit} coupons per event in MySQL, numbered 1..limit, no user twice; and every user told
 * 202 ends {@code ISSUED}, as any ingress tells, with a row in MySQL. Users are named as
 * {@link Crowd} names them.
 */
final class Promises {

    private final Pipeline pipeline;

    Promises(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Waits for {@code event}'s rows and for the pipeline to be quiet, then checks them. */
    void assertExactlyTheLimitOnce(String event, int limit) {
        await("the limit of " + event + " in MySQL").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> rows(event).size() >= limit);
        pipeline.awaitQuiescence(Duration.ofSeconds(90));
        List<CouponRow> rows = rows(event);
        assertThat(rows).as("the coupons of %s", event).extracting(CouponRow::couponNo)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, limit).boxed().toList());
        assertThat(rows).as("the holders of %s", event).extracting(CouponRow::userId).doesNotHaveDuplicates();
    }

    /**
     * Every user in {@code accepted} ends {@code ISSUED}, asked of the ingresses at {@code ingressUrls}
     * in turn, and holds a row in MySQL.
     */
    void assertEveryAcceptedUserIssued(Set<String> accepted, List<String> ingressUrls) {
        List<Shoppers> ingresses = ingressUrls.stream().map(Shoppers::new).toList();
        await("every 202 decided").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> {
            // Read on every try: a database hiccup fails one try, not the whole wait.
            Map<String, Set<String>> holders = new HashMap<>();
            for (String user : accepted) {
                holders.computeIfAbsent(Crowd.eventOf(user),
                        event -> Set.copyOf(rows(event).stream().map(CouponRow::userId).toList()));
            }
            int asked = 0;
            for (String user : accepted) {
                String event = Crowd.eventOf(user);
                Shoppers ingress = ingresses.get(asked++ % ingresses.size());
                JsonNode status = Json.mapper().readTree(ingress.get("/events/" + event + "/applications/" + user).body());
                assertThat(status.path("outcome").asText()).as("status of %s: %s", user, status).isEqualTo("ISSUED");
                assertThat(holders.get(event)).as("%s holds a row in MySQL", user).contains(user);
            }
        });
    }

    List<CouponRow> rows(String event) {
        try (var connection = pipeline.database()) {
            return CouponRow.ofEvent(connection, event);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the coupons of " + event + " from MySQL", e);
        }
    }
}
