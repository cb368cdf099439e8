package firstcome.ingress.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The check in front of the organiser's routes ({@code ADMIN_TOKEN}) and the shop's routes
 * ({@code SHOP_TOKEN}): {@code Authorization: Bearer <token>}, compared in constant time; with no
 * token configured, every call is refused. Each route group has its own token, and neither opens
 * the other's routes.
 */
public final class BearerToken {

    private static final String BEARER = "Bearer ";

    /** The variable the token comes from, named in the refusals. */
    private final String variable;
    /** What the refusals say when no token is set. */
    private final String disabled;
    /** What the token is called in the refusals ("the admin token"). */
    private final String name;
    /** SHA-256 of the token: comparing digests takes the same time whatever the guess's length. */
    private final Optional<byte[]> digest;

    private BearerToken(String variable, String disabled, String name, Optional<String> token) {
        this.variable = variable;
        this.disabled = disabled;
        this.name = name;
        this.digest = token.map(BearerToken::sha256);
    }

    /** The organiser's token, {@code ADMIN_TOKEN}. */
    public static BearerToken admin(Optional<String> token) {
        return new BearerToken("ADMIN_TOKEN", "the admin API is disabled", "the admin token", token);
    }

    /** The shop's backend's token, {@code SHOP_TOKEN}. */
    public static BearerToken shop(Optional<String> token) {
        return new BearerToken("SHOP_TOKEN", "the shop routes are disabled", "the shop token", token);
    }

    /** Throws 401 UNAUTHORIZED unless the header carries the token. */
    void authorize(String header) {
        if (digest.isEmpty()) {
            throw new ApiException(Outcome.UNAUTHORIZED, disabled + ": " + variable + " is not set on the ingress");
        }
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ApiException(Outcome.UNAUTHORIZED, "send the header Authorization: Bearer <" + variable + ">");
        }
        if (!MessageDigest.isEqual(digest.get(), sha256(header.substring(BEARER.length()).strip()))) {
            throw new ApiException(Outcome.UNAUTHORIZED, name + " is not valid");
        }
    }

    /** Whether the header carries the token (never when none is set), compared in constant time. */
    boolean matches(String header) {
        return digest.isPresent() && header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && MessageDigest.isEqual(digest.get(), sha256(header.substring(BEARER.length()).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
