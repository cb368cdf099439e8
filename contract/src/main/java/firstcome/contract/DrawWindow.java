package firstcome.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * An event's fair opening (docs/fair-opening.md): everyone who applies in {@code [opensAt, opensAt +
 * windowSeconds)} is an entrant of the draw, and their order is {@link #rankKey(String)} ascending, a
 * function of the secret {@code seed} and the user id alone, so when in the window they applied, or how
 * fast their connection was, changes nothing. Part of the event's definition in {@code coupon-events}
 * (the seed with it, so that the streams-processor, a replay and the audit draw the same); the public
 * event info shows only the seed's {@link #commitment()} until the draw is done.
 *
 * <p>{@code cap} is how many entrants the gate admits, {@code null}: the default,
 * {@value #DEFAULT_CAP_FACTOR} × (limit + waitlist) (see {@link EventDefinition#drawCap()}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrawWindow(int windowSeconds, Integer cap, String seed) {

    public static final int MAX_WINDOW_SECONDS = 3600;
    public static final int MAX_CAP = 1_000_000_000;
    public static final int DEFAULT_CAP_FACTOR = 100;
    /** Bytes of a seed; its hex form has twice as many characters. */
    public static final int SEED_BYTES = 32;
    /**
     * How long past the window's end the draw waits for entrants still on their way to the log (a
     * request stamped inside the window by one ingress may be appended after one stamped later by
     * another). The streams-processor draws at the first record of the event read once stream time
     * is at or past {@code windowEnd + GRACE}; a request stamped at or after the window's end and read
     * before that waits for the draw (it is decided right after it, in log order). The ingresses
     * publish a tick ({@link CouponRequest#tick}) into the event's partition of {@code coupon-requests}
     * at {@code windowEnd + GRACE} so that the draw happens even when nobody applies after the window;
     * an entrant appended after the tick is read after it (log order), live, in a replay and in the
     * audit alike, and is decided first-come.
     */
    public static final Duration GRACE = Duration.ofMillis(250);

    private static final Pattern HEX_SEED = Pattern.compile("[0-9a-f]{" + (2 * SEED_BYTES) + "}");
    private static final HexFormat HEX = HexFormat.of();

    public DrawWindow {
        if (windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
            throw new IllegalArgumentException("drawWindowSeconds must be between 0 and " + MAX_WINDOW_SECONDS);
        }
        if (cap != null && (cap < 1 || cap > MAX_CAP)) {
            throw new IllegalArgumentException("drawCap must be between 1 and " + MAX_CAP);
        }
        if (seed == null || !HEX_SEED.matcher(seed).matches()) {
            throw new IllegalArgumentException("a draw's seed is " + SEED_BYTES + " bytes in lower-case hex");
        }
    }

    /** A window of {@code windowSeconds} with a new secret seed drawn from {@code random}. */
    public static DrawWindow fresh(int windowSeconds, Integer cap, SecureRandom random) {
        byte[] seed = new byte[SEED_BYTES];
        random.nextBytes(seed);
        return new DrawWindow(windowSeconds, cap, HEX.formatHex(seed));
    }

    /** The same seed with another window or cap. */
    public DrawWindow with(int newWindowSeconds, Integer newCap) {
        return new DrawWindow(newWindowSeconds, newCap, seed);
    }

    /** The window's length. */
    @JsonIgnore
    public Duration length() {
        return Duration.ofSeconds(windowSeconds);
    }

    /** When the window of an event opening at {@code opensAt} ends (the first instant outside it). */
    public Instant endsAt(Instant opensAt) {
        return opensAt.plus(length());
    }

    /** The public commitment: lower-case hex of SHA-256 over the seed's bytes. */
    @JsonIgnore
    public String commitment() {
        return HEX.formatHex(sha256().digest(HEX.parseHex(seed)));
    }

    /**
     * The entrant's place in the draw's order, lower-case hex of {@code SHA-256(seed bytes ‖ UTF-8 userId)}:
     * entrants are ranked by it ascending (hex strings of one length compare as the numbers do).
     */
    public String rankKey(String userId) {
        return rankKey(seed, userId);
    }

    /** {@link #rankKey(String)} for a seed given in hex, as a shopper checks it. */
    public static String rankKey(String seedHex, String userId) {
        MessageDigest digest = sha256();
        digest.update(HEX.parseHex(seedHex));
        digest.update(userId.getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
