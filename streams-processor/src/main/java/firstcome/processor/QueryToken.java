package firstcome.processor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The check in front of the processor's query routes: with {@code SHOP_TOKEN} set, every look-up
 * must carry {@code Authorization: Bearer <SHOP_TOKEN>} (the token the ingress already holds, so
 * the port is no way around the ingress's own checks), compared in constant time; unset, the
 * routes are open as before. An instance forwarding a look-up to the owner of the event sends the
 * same header ({@link #authorization}).
 */
final class QueryToken {

    private static final String BEARER = "Bearer ";

    /** Unset: every look-up is answered. */
    static final QueryToken OPEN = new QueryToken(Optional.empty());

    private final Optional<String> token;
    /** SHA-256 of the token: comparing digests takes the same time whatever the guess's length. */
    private final Optional<byte[]> digest;

    private QueryToken(Optional<String> token) {
        this.token = token;
        this.digest = token.map(QueryToken::sha256);
    }

    /** The check of {@code token} ({@code SHOP_TOKEN}); empty or blank: the routes are open. */
    static QueryToken of(Optional<String> token) {
        Optional<String> set = token == null ? Optional.empty() : token.map(String::strip).filter(t -> !t.isEmpty());
        return set.isEmpty() ? OPEN : new QueryToken(set);
    }

    /** Whether a look-up must carry the token. */
    boolean required() {
        return digest.isPresent();
    }

    /** The {@code Authorization} header this instance sends with a forwarded look-up; empty when open. */
    Optional<String> authorization() {
        return token.map(t -> BEARER + t);
    }

    /**
     * Why {@code header} does not open the query routes, or empty when it does (always, when no token
     * is set).
     */
    Optional<String> refusal(String header) {
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of("send the header Authorization: Bearer <SHOP_TOKEN>");
        }
        if (!MessageDigest.isEqual(digest.get(), sha256(header.substring(BEARER.length()).strip()))) {
            return Optional.of("the shop token is not valid");
        }
        return Optional.empty();
    }

    /** Never the token itself. */
    @Override
    public String toString() {
        return required() ? "(set)" : "(unset: query routes open)";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
