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
}
