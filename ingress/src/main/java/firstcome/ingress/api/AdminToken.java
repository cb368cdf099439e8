package firstcome.ingress.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The check in front of every organiser route: {@code Authorization: Bearer <ADMIN_TOKEN>},
 * compared in constant time; with no token configured, every call is refused.
 */
public final class AdminToken {

    private static final String BEARER = "Bearer ";

    /** SHA-256 of the token: comparing digests takes the same time whatever the guess's length. */
    private final Optional<byte[]> digest;

    public AdminToken(Optional<String> token) {
        this.digest = token.map(AdminToken::sha256);
    }

    /** Throws 401 UNAUTHORIZED unless the header carries the token. */
    void authorize(String header) {
        if (digest.isEmpty()) {
            throw new ApiException(Outcome.UNAUTHORIZED, "the admin API is disabled: ADMIN_TOKEN is not set on the ingress");
        }
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ApiException(Outcome.UNAUTHORIZED, "send the header Authorization: Bearer <ADMIN_TOKEN>");
        }
        if (!MessageDigest.isEqual(digest.get(), sha256(header.substring(BEARER.length()).strip()))) {
            throw new ApiException(Outcome.UNAUTHORIZED, "the admin token is not valid");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
