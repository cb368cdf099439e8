package firstcome.contract;

import java.util.regex.Pattern;

/**
 * The contract's shape of event and user ids: 1–64 characters of {@code [A-Za-z0-9_.:@-]}, not
 * only dots. An id of dots alone ({@code .}, {@code ..}) would be a path segment that URLs resolve
 * away: the event page's {@code /events/../applications/u} is another route.
 */
public final class Ids {

    public static final int MAX_LENGTH = 64;
    /** The rule in words, for the 400 answers and exceptions that refuse an id. */
    public static final String RULE = "1-64 characters of [A-Za-z0-9_.:@-], not only dots";
    private static final Pattern ID = Pattern.compile("(?!\\.+$)[A-Za-z0-9_.:@-]{1,64}");
    /**
     * The rule the records in the logs were written under: dots alone were allowed until the edge
     * refused them. The records keep reading them, so that a replay of an older log decides what
     * the live processor decided then, byte for byte.
     */
    private static final Pattern LOGGED_ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && id.length() <= MAX_LENGTH && ID.matcher(id).matches();
    }

    /** Returns the id, or throws naming the field when it breaks the contract. */
    public static String require(String field, String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(field + " must be " + RULE);
        }
        return id;
    }

    /**
     * For the records on the wire: returns the id, or throws naming the field when it breaks the
     * rule the logs were written under (the contract's, but dots alone allowed; see {@link #LOGGED_ID}).
     */
    public static String requireLogged(String field, String id) {
        if (!isLogged(id)) {
            throw new IllegalArgumentException(field + " must be 1-64 characters of [A-Za-z0-9_.:@-]");
        }
        return id;
    }

    /**
     * {@link #LOGGED_ID} as a loop over the characters: every record read from or written to a log
     * checks its ids, and the regex engine was a measurable share of the processor's time per record.
     */
    private static boolean isLogged(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == ':' || c == '@' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** Whether the loop and the pattern it replaces agree (the tests try both on the same ids). */
    static boolean matchesLoggedPattern(String id) {
        return id != null && LOGGED_ID.matcher(id).matches();
    }
}
