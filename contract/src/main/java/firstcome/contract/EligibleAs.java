package firstcome.contract;

/**
 * What the ingress checked of an application to an event with an {@link Eligibility}: the token's
 * claim and the accepted value it carried (docs/identities.md). Travels in {@code coupon-requests} as
 * {@code "eligibleAs": {"claim": "tier", "value": "gold"}} so that the streams-processor, a replay and
 * the audit judge the request against the event's rule at that point of the log from the record alone.
 */
public record EligibleAs(String claim, String value) {

    public EligibleAs {
        if (claim == null || claim.isEmpty() || claim.codePointCount(0, claim.length()) > Eligibility.MAX_LENGTH) {
            throw new IllegalArgumentException("eligibleAs.claim must be 1-" + Eligibility.MAX_LENGTH + " characters");
        }
        if (value == null || value.isEmpty() || value.codePointCount(0, value.length()) > Eligibility.MAX_LENGTH) {
            throw new IllegalArgumentException("eligibleAs.value must be 1-" + Eligibility.MAX_LENGTH + " characters");
        }
    }
}
