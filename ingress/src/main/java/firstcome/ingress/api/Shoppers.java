package firstcome.ingress.api;

import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.Eligibility;
import firstcome.contract.EligibleAs;
import firstcome.contract.EventDefinition;
import firstcome.ingress.identity.ShopperVerification;
import firstcome.ingress.identity.ShopperVerifier;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who the shopper of a public request is (docs/identities.md). With identities off (no verifier),
 * whoever the request names: the body's {@code userId}, any status look-up. With identities on, whoever
 * the signed token of {@code Authorization: Bearer <JWT>} or the cookie {@value ShopperVerifier#COOKIE}
 * says: no valid token is 401 UNAUTHENTICATED, another shopper's id 403 FORBIDDEN. An event with an
 * {@link Eligibility} admits only verified shoppers whose token carries its claim, else 403 NOT_ELIGIBLE.
 * Every check runs on the request thread before anything is counted; tokens are never logged.
 */
public final class Shoppers {

    private final Optional<ShopperVerifier> verifier;
    /** The shop's backend may look up any shopper's result. */
    private final BearerToken shop;

    public Shoppers(Optional<ShopperVerifier> verifier, BearerToken shop) {
        this.verifier = verifier;
        this.shop = shop;
    }

    public boolean on() {
        return verifier.isPresent();
    }

    /** How many accepted values a NOT_ELIGIBLE refusal names; the rest are counted. */
    static final int NAMED_VALUES = 10;

    /**
     * Who applies: {@code user}, and with identities on the verified token's {@code claims} (null with
     * identities off: nothing about the shopper is known but the id they gave).
     */
    record Applicant(UserId user, Map<String, Object> claims) {
    }

    /**
     * The applicant of {@code POST /events/{e}/applications}: identities off, the body's {@code userId}
     * (required); on, the token's {@code sub}, and a body {@code userId} must be absent or the same.
     */
    Applicant applicant(Context ctx) {
        if (verifier.isEmpty()) {
            return new Applicant(JsonBody.userId(JsonBody.read(ctx)), null);
        }
        ShopperVerification.Verified shopper = verified(ctx);
        JsonNode body = JsonBody.readOrEmpty(ctx);
        Optional<UserId> named = JsonBody.optionalUserId(body);
        if (named.isPresent() && !named.get().equals(shopper.userId())) {
            throw new ApiException(Outcome.FORBIDDEN, "you are signed in as another user than the body's userId;"
                    + " leave userId out or send your own");
        }
        return new Applicant(shopper.userId(), shopper.claims());
    }

    /**
     * What an application of {@code applicant} to the event records as checked ({@code eligibleAs} of
     * its request): null for an event without eligibility, else the claim and the accepted value the
     * token carries. 403 NOT_ELIGIBLE when it carries none, and always with identities off (there is no
     * claim to check); the message names what the event requires.
     */
    static EligibleAs eligibleAs(Applicant applicant, EventDefinition definition) {
        Eligibility rule = definition.eligibility();
        if (rule == null) {
            return null;
        }
        if (applicant.claims() == null) {
            throw new ApiException(Outcome.NOT_ELIGIBLE, "this event is for signed-in shoppers");
        }
        return rule.checkedIn(applicant.claims()).orElseThrow(() -> new ApiException(Outcome.NOT_ELIGIBLE,
                "this event is for shoppers whose " + rule.claim() + " is " + oneOf(rule.anyOf())));
    }

    /** "gold", "gold or vip", "gold, silver or vip"; past {@value #NAMED_VALUES} values the rest are counted. */
    static String oneOf(List<String> values) {
        if (values.size() == 1) {
            return values.get(0);
        }
        if (values.size() > NAMED_VALUES) {
            int more = values.size() - NAMED_VALUES;
            return String.join(", ", values.subList(0, NAMED_VALUES)) + " or one of " + more + " other values";
        }
        return String.join(", ", values.subList(0, values.size() - 1)) + " or " + values.get(values.size() - 1);
    }

    /**
     * Lets a status look-up of {@code user} through: identities off, always; on, the shop's backend
     * ({@code Authorization: Bearer <SHOP_TOKEN>}) or the shopper themself, else 403 (401 without a valid token).
     */
    void mayRead(Context ctx, UserId user) {
        if (verifier.isEmpty() || shop.matches(ctx.header("Authorization"))) {
            return;
        }
        if (!verified(ctx).userId().equals(user)) {
            throw new ApiException(Outcome.FORBIDDEN, "a shopper may only look up their own result");
        }
    }

    /**
     * {@code GET /shopper}: who the request's token says the shopper is, with the shop's own claims;
     * 401 without a valid token, 404 NOT_FOUND with identities off.
     */
    public void shopper(Context ctx) {
        if (verifier.isEmpty()) {
            throw new ApiException(Outcome.NOT_FOUND, "shopper identities are off on this ingress: applications name their userId");
        }
        ShopperVerification.Verified shopper = verified(ctx);
        ctx.header("Cache-Control", "no-store");
        Answer.ok(new Shopper(shopper.userId().value(), shopper.customClaims())).writeTo(ctx);
    }

    private ShopperVerification.Verified verified(Context ctx) {
        ShopperVerification verification = verifier.orElseThrow().verify(ctx.header("Authorization"), ctx.cookie(ShopperVerifier.COOKIE));
        if (verification instanceof ShopperVerification.Refused refused) {
            throw new ApiException(Outcome.UNAUTHENTICATED, refused.message());
        }
        return (ShopperVerification.Verified) verification;
    }

    /** The body of {@code GET /shopper}. */
    record Shopper(String userId, Map<String, Object> claims) {
    }
}
