package firstcome.ingress.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import firstcome.contract.Ids;
import firstcome.ingress.api.UserId;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a request's signed token says the shopper is (docs/identities.md): the token of
 * {@code Authorization: Bearer <JWT>}, else of the cookie {@value #COOKIE}, verified with Nimbus
 * JOSE+JWT against the configured keys only (HS256 with {@code SHOPPER_JWT_SECRET}, or RS256 / ES256
 * with the keys of {@code SHOPPER_JWT_JWKS} chosen by {@code kid}; {@code alg: none} never), then its
 * claims: {@code exp} and {@code sub} required, {@code nbf} honoured, {@code iss} / {@code aud} exact
 * when configured, {@value #CLOCK_SKEW_SECONDS} s of clock skew, and a {@code sub} that is a valid user
 * id. Every bad token is a {@link ShopperVerification.Refused}, never an exception. Thread-safe: one
 * instance serves every request thread; the cost is one HMAC (or one RSA / ECDSA verification) and a
 * claims check. Tokens are never logged.
 */
public final class ShopperVerifier {

    /** The cookie the shop's site sets for the event page. */
    public static final String COOKIE = "firstcome_token";
    /** Longer tokens are refused before they are parsed. */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    public static final int CLOCK_SKEW_SECONDS = 30;

    static final String NO_TOKEN = "sign in first: send Authorization: Bearer <token> or the cookie " + COOKIE;
    static final String NOT_BEARER = "the Authorization header must be Bearer <token>";
    static final String TOO_LONG = "the token is longer than 8 KiB";
    static final String MALFORMED = "the token is not a signed JWT";
    static final String INVALID_SIGNATURE = "the token's signature is not valid";
    static final String EXPIRED = "the token has expired: sign in again";
    static final String NOT_YET_VALID = "the token is not valid yet";
    static final String WRONG_ISSUER = "the token is from another issuer";
    static final String WRONG_AUDIENCE = "the token is for another audience";
    static final String MISSING_CLAIMS = "the token must carry exp and sub";
    static final String BAD_SUBJECT = "the token's sub is not a valid user id (" + Ids.RULE + ")";

    private static final String BEARER = "Bearer ";
    private static final Logger log = LoggerFactory.getLogger(ShopperVerifier.class);

    private final DefaultJWTProcessor<SecurityContext> processor;

    private ShopperVerifier(JWSKeySelector<SecurityContext> keys, ShopperIdentityConfig config, Clock clock) {
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        processor.setJWTClaimsSetVerifier(claimsVerifier(config, clock));
    }

    /** The verifier of the configuration, or empty when identities are off. */
    public static Optional<ShopperVerifier> create(ShopperIdentityConfig config) {
        return create(config, Clock.systemUTC());
    }

    /**
     * As {@link #create(ShopperIdentityConfig)}, with the clock the claims and the JWKS file's
     * re-reads go by. A JWKS file that cannot be used is an {@link IllegalArgumentException} naming
     * {@code SHOPPER_JWT_JWKS}; a short secret is accepted with a warning.
     */
    public static Optional<ShopperVerifier> create(ShopperIdentityConfig config, Clock clock) {
        if (config.secret().isPresent()) {
            if (config.shortSecret()) {
                log.warn("SHOPPER_JWT_SECRET is shorter than {} bytes (RFC 7518 asks for 256 bits for HS256): accepted,"
                        + " but use a longer random secret anywhere but local use", ShopperIdentityConfig.RECOMMENDED_SECRET_BYTES);
            }
            byte[] key = hmacKey(config.secret().get().getBytes(StandardCharsets.UTF_8));
            return Optional.of(new ShopperVerifier(
                    new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(key)), config, clock));
        }
        if (config.jwks().isPresent()) {
            JwksFile file = JwksFile.open(config.jwks().get(), clock);
            log.info("shopper identities: RS256/ES256 with keys {} of {}", file.keyIds(), config.jwks().get());
            return Optional.of(new ShopperVerifier(
                    new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), file), config, clock));
        }
        return Optional.empty();
    }

    /**
     * The HS256 key for a secret: the secret itself, or, when shorter than the 32 bytes the library
     * insists on, the secret followed by zero bytes up to 32. HMAC-SHA256 pads every key shorter than
     * its 64-byte block with zero bytes (RFC 2104 §2), so both keys sign and verify exactly alike.
     */
    static byte[] hmacKey(byte[] secret) {
        return secret.length >= ShopperIdentityConfig.RECOMMENDED_SECRET_BYTES
                ? secret.clone()
                : Arrays.copyOf(secret, ShopperIdentityConfig.RECOMMENDED_SECRET_BYTES);
    }

    /**
     * Verifies the request's token: the {@code Authorization} header's when it is a Bearer header
     * ("Bearer" in any case), else the cookie's.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param cookie        the value of the cookie {@value #COOKIE}, or null
     */
    public ShopperVerification verify(String authorization, String cookie) {
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return verifyToken(authorization.substring(BEARER.length()).strip());
        }
        if (cookie != null && !cookie.isBlank()) {
            return verifyToken(cookie.strip());
        }
        if (authorization != null && !authorization.isBlank()) {
            return new ShopperVerification.Refused(NOT_BEARER);
        }
        return new ShopperVerification.Refused(NO_TOKEN);
    }

    /** Verifies one compact JWS. */
    public ShopperVerification verifyToken(String token) {
        if (token == null || token.isBlank()) {
            return new ShopperVerification.Refused(NO_TOKEN);
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return new ShopperVerification.Refused(TOO_LONG);
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (jwt.getHeader().getCriticalParams() != null) {
                // No extension is understood here: a header that says one must be is refused (RFC 7515 §4.1.11).
                return new ShopperVerification.Refused(INVALID_SIGNATURE);
            }
            JWTClaimsSet claims = processor.process(jwt, null);
            String subject = claims.getSubject();
            if (!Ids.isValid(subject)) {
                return new ShopperVerification.Refused(BAD_SUBJECT);
            }
            return new ShopperVerification.Verified(new UserId(subject), claims.toJSONObject());
        } catch (ParseException e) {
            return new ShopperVerification.Refused(MALFORMED);
        } catch (ExpiredJWTException e) {
            return new ShopperVerification.Refused(EXPIRED);
        } catch (BadJWTException e) {
            return new ShopperVerification.Refused(claimsRefusal(e.getMessage()));
        } catch (BadJOSEException | JOSEException e) {
            return new ShopperVerification.Refused(INVALID_SIGNATURE);
        } catch (RuntimeException e) {
            // A token the library cannot take apart (odd JSON, key material it rejects): a refusal, not a 500.
            log.debug("a shopper token was refused: {}", e.getClass().getName());
            return new ShopperVerification.Refused(MALFORMED);
        }
    }

    /** The claims refusal in the verifier's words, naming what was wrong but never the expected value. */
    private static String claimsRefusal(String message) {
        String text = message == null ? "" : message;
        if (text.startsWith("JWT before use time")) {
            return NOT_YET_VALID;
        }
        if (text.startsWith("JWT aud") || text.startsWith("JWT missing required aud")) {
            return WRONG_AUDIENCE;
        }
        if (text.startsWith("JWT iss")) {
            return WRONG_ISSUER;
        }
        if (text.startsWith("JWT missing required claims")) {
            // "JWT missing required claims: [iss, sub]": an exactly matched iss is required too.
            List<String> missing = Arrays.asList(text.substring(text.indexOf(':') + 1).replaceAll("[\\[\\]\\s]", "").split(","));
            if (missing.contains("exp") || missing.contains("sub")) {
                return MISSING_CLAIMS;
            }
            return missing.contains("iss") ? WRONG_ISSUER : missing.contains("aud") ? WRONG_AUDIENCE : MALFORMED;
        }
        if (text.startsWith("Expired JWT")) {
            return EXPIRED;
        }
        return MALFORMED;
    }

    private static DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier(ShopperIdentityConfig config, Clock clock) {
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        config.issuer().ifPresent(exact::issuer);
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(
                config.audience().map(Set::of).orElse(null), exact.build(), Set.of("exp", "sub"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew((int) Duration.ofSeconds(CLOCK_SKEW_SECONDS).toSeconds());
        return verifier;
    }
}
