package firstcome.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import firstcome.contract.Ids;
import firstcome.contract.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code token --user ID [--claims JSON]}: prints a shopper token for local use (docs/identities.md,
 * {@code make token USER=alice CLAIMS='{"tier":"gold"}'}): an HS256 JWT signed with
 * {@code SHOPPER_JWT_SECRET} (default {@value #LOCAL_SECRET}, what {@code make up SHOPPER_AUTH=on}
 * gives the ingress), {@code sub} = the user, {@code iat} now, {@code exp} in {@link #VALIDITY},
 * the claims object's members, and {@code iss} / {@code aud} when {@code SHOPPER_JWT_ISSUER} /
 * {@code SHOPPER_JWT_AUDIENCE} are set. Exit 0 with the token on stdout, 2 with one line on stderr.
 */
final class Token {

    static final String LOCAL_SECRET = "local-shopper-secret";
    static final Duration VALIDITY = Duration.ofHours(1);
    /** HS256's key size (RFC 7518 §3.2), the least the library signs with: shorter secrets are zero-padded to it. */
    static final int KEY_BYTES = 32;
    /** What the token's own fields set; the claims object may not set them. */
    static final Set<String> RESERVED = Set.of("sub", "iat", "exp", "iss", "aud");
    static final int OK = 0;
    static final int BAD_INPUT = 2;

    static final String USAGE = """
            usage: token --user ID [--claims JSON]   (make token USER=ID CLAIMS='{"tier":"gold"}')
              --user ID        the shopper: the token's sub (%s)
              --claims JSON    a JSON object whose members are added to the token (e.g. {"tier":"gold"});
                               it may not set sub, iat, exp, iss or aud
            Prints an HS256 token valid for one hour, signed with SHOPPER_JWT_SECRET (default local-shopper-secret,
            as make up SHOPPER_AUTH=on runs the ingress), with iss / aud from SHOPPER_JWT_ISSUER / SHOPPER_JWT_AUDIENCE
            when set. Use it as  curl -H "Authorization: Bearer $(make -s token USER=alice)" ...  or as the
            cookie firstcome_token on the event page's origin.""".formatted(Ids.RULE);

    private Token() {
    }

    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err) {
        return run(env, args, out, err, Clock.systemUTC());
    }

    static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err, Clock clock) {
        try {
            CommandOptions options = CommandOptions.parse(args, Set.of("--help", "-h"), Set.of("--user", "--claims"));
            if (options.flag("--help") || options.flag("-h")) {
                out.println(USAGE);
                return OK;
            }
            String user = options.value("--user", "").strip();
            if (user.isEmpty()) {
                throw new IllegalArgumentException("USER is missing: make token USER=alice [CLAIMS='{\"tier\":\"gold\"}']");
            }
            if (!Ids.isValid(user)) {
                throw new IllegalArgumentException("USER must be " + Ids.RULE + ", was '" + user + "'");
            }
            out.println(sign(user, claims(options.value("--claims", "")), env, clock.instant()));
            return OK;
        } catch (IllegalArgumentException e) {
            err.println("token: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    /** The members of {@code json}, a JSON object; empty for no text. */
    static Map<String, Object> claims(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("CLAIMS is not valid JSON (" + e.getOriginalMessage() + "): " + json);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("CLAIMS must be a JSON object such as {\"tier\":\"gold\"}, was: " + json);
        }
        Map<String, Object> members = Json.mapper().convertValue(node, new TypeReference<Map<String, Object>>() { });
        for (String name : members.keySet()) {
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException("CLAIMS may not set '" + name + "': sub is USER, iat and exp come from"
                        + " the time, iss and aud from SHOPPER_JWT_ISSUER / SHOPPER_JWT_AUDIENCE");
            }
        }
        return members;
    }

    static String sign(String user, Map<String, Object> claims, Map<String, String> env, Instant now) {
        JWTClaimsSet.Builder token = new JWTClaimsSet.Builder();
        claims.forEach(token::claim);
        token.subject(user)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(VALIDITY)));
        setting(env, "SHOPPER_JWT_ISSUER").ifPresent(token::issuer);
        setting(env, "SHOPPER_JWT_AUDIENCE").ifPresent(token::audience);
        // As the ingress reads it: the secret's UTF-8 bytes as they are (a blank one means unset).
        String secret = Optional.ofNullable(env.get("SHOPPER_JWT_SECRET")).filter(value -> !value.isBlank()).orElse(LOCAL_SECRET);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), token.build());
        try {
            jwt.sign(new MACSigner(key(secret.getBytes(StandardCharsets.UTF_8))));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("SHOPPER_JWT_SECRET cannot sign an HS256 token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /**
     * The secret, zero-padded to {@value #KEY_BYTES} bytes when shorter, as the ingress's verifier
     * does: HMAC pads every key shorter than its block with zeros, so both keys sign alike.
     */
    static byte[] key(byte[] secret) {
        return secret.length >= KEY_BYTES ? secret : Arrays.copyOf(secret, KEY_BYTES);
    }

    /** {@code iss} / {@code aud} as the ingress reads them: stripped, blank means unset. */
    private static Optional<String> setting(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
