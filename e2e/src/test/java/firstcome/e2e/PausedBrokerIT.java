package firstcome.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Json;
import firstcome.loadkit.CouponRow;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A broker that acknowledges too late: frozen longer than the ingress waits for it, so the shopper
 * cannot be told the application is safe, and thawed afterwards, so the record may land anyway.
 * The shopper hears 503 {@code UNCONFIRMED} and keeps the place; nobody after them is told 202 for
 * a coupon that then goes to the first shopper.
 */
@ExtendWith(InfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PausedBrokerIT {

    /** Longer than the ingress's delivery timeout (3 s by default). */
    private static final Duration FROZEN = Duration.ofSeconds(5);

    @AutoClose
    private PausableBroker broker;
    @AutoClose
    private Pipeline pipeline;
    private Shoppers shoppers;

    @BeforeAll
    void startPipelineOverItsOwnBroker(Infrastructure infrastructure) throws Exception {
        broker = PausableBroker.start("paused-broker");
        pipeline = new Pipeline(infrastructure, broker.bootstrapServers());
        shoppers = pipeline.shoppers();
    }

    @Test
    void keepsThePlaceOfAShopperWhoseAcknowledgementCameTooLateAndTellsNobodyElseTheyGotIt() throws Exception {
        // given: one coupon
        String event = "late-ack-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(shoppers.defineEvent(event, 1).statusCode()).isEqualTo(200);

        // when: alice applies while the broker is frozen, and it thaws only after the ingress gave up waiting
        broker.pause();
        Shoppers.Answer alice;
        try {
            alice = shoppers.apply(event, "alice");
        } finally {
            resumeAfter(FROZEN);
        }

        // then: alice is told her application is not confirmed yet, and that her place is kept
        assertThat(alice.status()).as(alice.body()).isEqualTo(503);
        assertThat(Json.mapper().readTree(alice.body()).path("outcome").asText()).isEqualTo("UNCONFIRMED");
        // bob, after her, is never told 202 for the coupon alice's place holds
        Shoppers.Answer bob = finalAnswer(event, "bob");
        assertThat(bob.status()).as(bob.body()).isEqualTo(410);
        // alice's application is decided, and she gets the coupon
        await("alice's application decided").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> outcome(event, "alice").equals("ISSUED"));
        assertThat(shoppers.apply(event, "alice").status()).isEqualTo(409);
        assertThat(outcome(event, "bob")).isEqualTo("NOT_APPLIED");
        pipeline.awaitQuiescence(Duration.ofSeconds(60));
        assertThat(rows(event)).extracting(CouponRow::userId).containsExactly("alice");
    }

    /** Applies until the answer is final (not a 503 while the pipeline recovers). */
    private Shoppers.Answer finalAnswer(String event, String user) throws Exception {
        Shoppers.Answer[] last = new Shoppers.Answer[1];
        await(user + "'s final answer").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last[0] = shoppers.apply(event, user);
                    return last[0].status() != 503;
                });
        return last[0];
    }

    private void resumeAfter(Duration frozen) throws Exception {
        long until = System.nanoTime() + frozen.toNanos();
        await("the broker stays frozen for " + frozen.toSeconds() + " s").atMost(frozen.plusSeconds(5))
                .pollInterval(Duration.ofMillis(100)).until(() -> System.nanoTime() >= until);
        broker.resume();
    }

    private String outcome(String event, String user) throws Exception {
        JsonNode body = Json.mapper().readTree(shoppers.get("/events/" + event + "/applications/" + user).body());
        return body.path("outcome").asText();
    }

    private List<CouponRow> rows(String event) throws SQLException {
        try (var connection = pipeline.database()) {
            return CouponRow.ofEvent(connection, event);
        }
    }
}
