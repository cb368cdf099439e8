package firstcome.contract;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An event's rule of who may apply (docs/identities.md), {@code EventDefinition.eligibility}: the shopper's token must carry
 * {@link #claim()} as a string in {@link #anyOf()}, or as an array with at least one element in it.
 * A pure function of the verified claims.
 *
 * @param claim the claim's name: 1–64 characters of {@code [A-Za-z0-9_.:-]}
 * @param anyOf 1–100 accepted values of 1–64 characters each
 */
public record Eligibility(String claim, List<String> anyOf) {

    public static final int MAX_VALUES = 100;
    public static final int MAX_LENGTH = 64;
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public Eligibility {
        if (claim == null || !CLAIM.matcher(claim).matches()) {
            throw new IllegalArgumentException("eligibility.claim must be 1-64 characters of [A-Za-z0-9_.:-]");
        }
        if (anyOf == null || anyOf.isEmpty() || anyOf.size() > MAX_VALUES) {
            throw new IllegalArgumentException("eligibility.anyOf must hold 1-" + MAX_VALUES + " values");
        }
        for (String value : anyOf) {
            if (value == null || value.isEmpty() || value.codePointCount(0, value.length()) > MAX_LENGTH) {
                throw new IllegalArgumentException("eligibility.anyOf values must be strings of 1-" + MAX_LENGTH + " characters");
            }
        }
        anyOf = List.copyOf(anyOf);
    }

    /**
     * The accepted value the claims carry (the first of {@code anyOf}'s order that an array holds),
     * or empty when the shopper is not eligible: the claim is missing, not a string or array of
     * strings, or carries none of the values.
     */
    public Optional<String> matchIn(Map<String, ?> claims) {
        Object value = claims == null ? null : claims.get(claim);
        if (value instanceof String text) {
            return anyOf.contains(text) ? Optional.of(text) : Optional.empty();
        }
        if (value instanceof List<?> elements) {
            return anyOf.stream().filter(elements::contains).findFirst();
        }
        return Optional.empty();
    }

    /** Whether the claims satisfy the rule. */
    public boolean admits(Map<String, ?> claims) {
        return matchIn(claims).isPresent();
    }

    /** Whether a value the request carried ({@code eligibleAs}) still satisfies the rule. */
    public boolean accepts(String claimName, String value) {
        return Objects.equals(claim, claimName) && value != null && anyOf.contains(value);
    }

    /**
     * Whether a request that carried {@code checked} (null: nothing was checked) satisfies the rule:
     * what the streams-processor, replay and audit judge a request by.
     */
    public boolean accepts(EligibleAs checked) {
        return checked != null && accepts(checked.claim(), checked.value());
    }

    /** What an application whose token carries {@code claims} records as checked, or empty when not eligible. */
    public Optional<EligibleAs> checkedIn(Map<String, ?> claims) {
        return matchIn(claims).map(value -> new EligibleAs(claim, value));
    }
}
