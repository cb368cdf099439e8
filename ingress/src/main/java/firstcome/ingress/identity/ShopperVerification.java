package firstcome.ingress.identity;

import firstcome.ingress.api.UserId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** What {@link ShopperVerifier} concluded about a request: a verified shopper, or a refusal. */
public sealed interface ShopperVerification permits ShopperVerification.Verified, ShopperVerification.Refused {

    /** The shopper, when verified. */
    default Optional<Verified> shopper() {
        return this instanceof Verified verified ? Optional.of(verified) : Optional.empty();
    }

    /**
     * The token was signed by the shop's key and its claims hold: the shopper is {@code sub}.
     *
     * @param userId the token's {@code sub}
     * @param claims every claim of the token as JSON values: strings, numbers ({@code Long} or
     *               {@code Double}; {@code exp}, {@code nbf}, {@code iat} in epoch seconds), booleans,
     *               {@code List}s and {@code Map}s; unmodifiable
     */
    record Verified(UserId userId, Map<String, Object> claims) implements ShopperVerification {

        /** The registered claims of RFC 7519 §4.1, which {@link #customClaims()} leaves out. */
        public static final Set<String> REGISTERED_CLAIMS = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti");

        public Verified {
            Objects.requireNonNull(userId, "userId");
            claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
        }

        /** The shop's own claims ({@code tier}, ...): what {@code GET /shopper} shows. */
        public Map<String, Object> customClaims() {
            Map<String, Object> custom = new LinkedHashMap<>(claims);
            custom.keySet().removeAll(REGISTERED_CLAIMS);
            return Collections.unmodifiableMap(custom);
        }
    }

    /**
     * No verified shopper: answered 401 {@value #OUTCOME} with {@code WWW-Authenticate: Bearer}.
     *
     * @param message one human sentence that tells a shopper what to do and a forger nothing more than
     *                "expired", "wrong issuer or audience" or "invalid signature"
     */
    record Refused(String message) implements ShopperVerification {

        public static final String OUTCOME = "UNAUTHENTICATED";

        public Refused {
            Objects.requireNonNull(message, "message");
        }

        public String outcome() {
            return OUTCOME;
        }
    }
}
