package firstcome.ops;

import firstcome.contract.CouponDecision;
import firstcome.contract.Environment;
import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import firstcome.contract.IssuingOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The audit of one event, fed in three passes: its requests in log order (with the definition in
 * force at each), which it decides itself and whose decisions on {@code coupon-decisions} it
 * checks; then its records of {@code coupon-issued}; then its rows of the table in coupon order;
 * and last what the Redis gate holds for it. It keeps what it expects and what it found per coupon
 * number, and each user's last decision, so its memory grows with the users who applied, never
 * with the requests.
 *
 * <p>The rule is written out here on purpose, not taken from the streams-processor: a request
 * with the request id of the user's last decided request (a duplicate is not one: the user's
 * coupon stays their decision) is a re-delivery and is decided as before, changing nothing;
 * otherwise a request is eligible when the event is defined, the user holds no coupon of it yet,
 * the request's record time lies in {@code [opensAt, closesAt)}, and fewer than {@code limit}
 * coupons were issued before it; coupon n belongs to the n-th eligible request. Once the stream
 * time (the highest record time of the partition read so far, the record at hand included) reaches
 * the event's retirement ({@code EVENT_RETENTION} past its closing), every request to it is refused
 * {@code CLOSED}, a re-delivery too, and no later definition takes effect: the processor dropped
 * the event's state and keeps only that it retired.
 */
final class EventAudit {

    /** One coupon as the audit knows it: who, for which request, when, and where in Kafka it was found. */
    record Coupon(String userId, String requestId, long issuedAtMillis, String topic, int partition, long offset) {

        boolean sameCouponAs(Coupon other) {
            return userId.equals(other.userId) && requestId.equals(other.requestId) && issuedAtMillis == other.issuedAtMillis;
        }

        String where() {
            return topic + " partition " + partition + " offset " + offset;
        }

        @Override
        public String toString() {
            return "user " + userId + ", request " + requestId + ", at " + Instant.ofEpochMilli(issuedAtMillis);
        }
    }

    /** What the audit decided for one request: an outcome of the contract, and the user's coupon with ISSUED and DUPLICATE. */
    record Verdict(IssuingOutcome outcome, Integer couponNo) {
    }

    /** The user's last decided request (not a duplicate, not a re-delivery) and its verdict. */
    private record LastDecided(String requestId, Verdict verdict) {
    }

    private final String eventId;
    private final int maxListed;
    private final Duration retention;
    private EventDefinition definition;
    /** Set once the stream time reached the retirement of the definition in force. */
    private Instant retiredAt;
    private int definitions;
    private long requests;
    private long duplicates;
    private long notOpen;
    private long closed;
    private long soldOut;
    private long undefined;
    private long redelivered;
    private final Map<String, LastDecided> lastDecided = new HashMap<>();
    private long decisions;

    private final List<Coupon> expected = new ArrayList<>();
    private final Map<String, Integer> holders = new HashMap<>();
    private final List<Coupon> recorded = new ArrayList<>();
    private final Map<String, Integer> recordedUsers = new HashMap<>();
    private int lastRecordedNo;
    private long records;

    private final BitSet rowSeen = new BitSet();
    private final Map<String, Long> rowUsers = new HashMap<>();
    private final Map<Integer, Long> rowIds = new HashMap<>();
    private long rows;

    private final List<String> listed = new ArrayList<>();
    private long discrepancies;

    /** {@code maxListed} bounds the discrepancies described, not those counted; the default {@code EVENT_RETENTION}. */
    EventAudit(String eventId, int maxListed) {
        this(eventId, maxListed, Environment.DEFAULT_EVENT_RETENTION);
    }

    EventAudit(String eventId, int maxListed, Duration retention) {
        this.eventId = eventId;
        this.maxListed = maxListed;
        this.retention = retention;
    }

    /** Whether the event retired at or before {@code streamTime} (epoch ms); remembered once it did. */
    private boolean retiredBy(long streamTime) {
        if (retiredAt == null && definition != null && definition.closesAt() != null) {
            Instant at;
            try {
                at = definition.closesAt().plus(retention);
            } catch (java.time.DateTimeException | ArithmeticException never) {
                return false;
            }
            if (streamTime >= at.toEpochMilli()) {
                retiredAt = at;
            }
        }
        return retiredAt != null;
    }

    String eventId() {
        return eventId;
    }

    // ---- pass 1: coupon-events and coupon-requests, merged in record-time order per partition ----

    /** The definition in force after the last one read; null when none (or a tombstone). */
    EventDefinition definition() {
        return definition;
    }

    /** A definition takes effect for the requests after it; {@code null} (a tombstone) removes the event. */
    void define(EventDefinition newDefinition) {
        define(newDefinition, Long.MIN_VALUE);
    }

    /** As {@link #define(EventDefinition)}, read at {@code streamTime}: a retired event takes no definition. */
    void define(EventDefinition newDefinition, long streamTime) {
        if (retiredBy(streamTime)) {
            return;
        }
        definition = newDefinition;
        if (newDefinition != null) {
            definitions++;
        }
    }

    /** Decides one request and returns the decision the processor must have published for it. */
    Verdict request(String userId, String requestId, long timestamp, String topic, int partition, long offset) {
        return request(userId, requestId, timestamp, timestamp, topic, partition, offset);
    }

    /** As above, read when the partition's stream time is {@code streamTime} (at least {@code timestamp}). */
    Verdict request(String userId, String requestId, long timestamp, long streamTime, String topic, int partition, long offset) {
        requests++;
        if (retiredBy(streamTime)) {
            closed++;
            return new Verdict(IssuingOutcome.CLOSED, null);
        }
        LastDecided last = lastDecided.get(userId);
        if (last != null && last.requestId().equals(requestId)) {
            redelivered++;
            return last.verdict();
        }
        Instant at = Instant.ofEpochMilli(timestamp);
        IssuingOutcome outcome;
        if (definition == null) {
            undefined++;
            outcome = IssuingOutcome.UNKNOWN_EVENT;
        } else if (holders.containsKey(userId)) {
            duplicates++;
            return new Verdict(IssuingOutcome.DUPLICATE, holders.get(userId));
        } else if (at.isBefore(definition.opensAt())) {
            notOpen++;
            outcome = IssuingOutcome.NOT_OPEN;
        } else if (definition.closesAt() != null && !at.isBefore(definition.closesAt())) {
            closed++;
            outcome = IssuingOutcome.CLOSED;
        } else if (expected.size() >= definition.limit()) {
            soldOut++;
            outcome = IssuingOutcome.SOLD_OUT;
        } else {
            expected.add(new Coupon(userId, requestId, timestamp, topic, partition, offset));
            holders.put(userId, expected.size());
            outcome = IssuingOutcome.ISSUED;
        }
        var verdict = new Verdict(outcome, outcome == IssuingOutcome.ISSUED ? holders.get(userId) : null);
        lastDecided.put(userId, new LastDecided(requestId, verdict));
        return verdict;
    }

    /**
     * The request's record on {@code coupon-decisions} ({@code null}: none) against the audit's
     * verdict; {@code where} names the request's record.
     */
    void decision(CouponDecision published, String userId, String requestId, long timestamp, Verdict verdict, String where,
            String decisionWhere) {
        if (published == null) {
            discrepancy(where + ": no decision on coupon-decisions for request " + requestId + " of user " + userId
                    + " (the audit decides " + show(verdict) + ")");
            return;
        }
        decisions++;
        boolean same = published.userId().equals(userId) && published.outcome() == verdict.outcome()
                && Objects.equals(published.couponNo(), verdict.couponNo()) && published.decidedAt().toEpochMilli() == timestamp;
        if (!same) {
            discrepancy(decisionWhere + ": decision " + show(new Verdict(published.outcome(), published.couponNo())) + " for user "
                    + published.userId() + " at " + published.decidedAt() + ", but the audit decides request " + requestId + " ("
                    + where + ") of user " + userId + " at " + Instant.ofEpochMilli(timestamp) + " " + show(verdict));
        }
    }

    /** A record of coupon-decisions that answers no request of coupon-requests. */
    void strayDecision(CouponDecision published, String decisionWhere) {
        discrepancy(decisionWhere + ": decision " + show(new Verdict(published.outcome(), published.couponNo())) + " for request "
                + published.requestId() + " of user " + published.userId() + " answers no request in coupon-requests at that point");
    }

    private static String show(Verdict verdict) {
        return verdict.outcome() + (verdict.couponNo() == null ? "" : " (coupon " + verdict.couponNo() + ")");
    }

    // ---- pass 2: coupon-issued in log order ----

    void issued(IssuedCoupon coupon, String topic, int partition, long offset) {
        records++;
        int n = coupon.couponNo();
        var found = new Coupon(coupon.userId(), coupon.requestId(), coupon.issuedAt().toEpochMilli(), topic, partition, offset);
        String where = found.where();
        if (n != lastRecordedNo + 1) {
            discrepancy(where + ": coupon " + n + " follows coupon " + lastRecordedNo + " (numbers must run 1, 2, 3… in log order)");
        }
        lastRecordedNo = Math.max(lastRecordedNo, n);
        Coupon earlier = n <= recorded.size() ? recorded.get(n - 1) : null;
        if (earlier != null) {
            discrepancy("coupon " + n + " issued twice: " + earlier.where() + " (" + earlier + ") and " + where + " (" + found + ")");
            return;
        }
        Integer otherNo = recordedUsers.get(coupon.userId());
        if (otherNo != null) {
            discrepancy("user " + coupon.userId() + " holds two coupons: " + otherNo + " (" + recorded.get(otherNo - 1).where()
                    + ") and " + n + " (" + where + ")");
        }
        Coupon due = n <= expected.size() ? expected.get(n - 1) : null;
        if (due == null) {
            discrepancy(where + ": coupon " + n + " went to " + found + ", but only " + expected.size()
                    + " request(s) were eligible" + limitNote());
        } else if (!due.sameCouponAs(found)) {
            discrepancy(where + ": coupon " + n + " went to " + found + ", but the " + ordinal(n) + " eligible request is "
                    + due + " (" + due.where() + ")");
        } else {
            // Share the expected coupon's strings: a clean log then costs one reference per coupon.
            found = new Coupon(due.userId(), due.requestId(), due.issuedAtMillis(), topic, partition, offset);
        }
        while (recorded.size() < n) {
            recorded.add(null);
        }
        recorded.set(n - 1, found);
        recordedUsers.put(found.userId(), n);
    }

    /** After coupon-issued: every eligible request must have its coupon there. */
    void issuedDone() {
        for (int n = 1; n <= expected.size(); n++) {
            if (n > recorded.size() || recorded.get(n - 1) == null) {
                Coupon due = expected.get(n - 1);
                discrepancy("coupon " + n + " is missing from coupon-issued: the " + ordinal(n) + " eligible request is "
                        + due + " (" + due.where() + ")");
            }
        }
    }

    // ---- pass 3: the table, in coupon order ----

    void row(CouponTableScan.Row row) {
        rows++;
        int n = row.couponNo();
        Long sameNumber = rowIds.putIfAbsent(n, row.id());
        if (sameNumber != null) {
            discrepancy("two rows for coupon " + n + ": row id " + sameNumber + " and " + row);
        }
        Long sameUser = rowUsers.putIfAbsent(row.userId(), row.id());
        if (sameUser != null) {
            discrepancy("user " + row.userId() + " has two rows: row id " + sameUser + " and " + row);
        }
        Coupon record = n >= 1 && n <= recorded.size() ? recorded.get(n - 1) : null;
        if (record == null) {
            discrepancy(row + " matches no record of coupon-issued (a row nobody issued)");
            return;
        }
        rowSeen.set(n);
        boolean same = record.userId().equals(row.userId())
                && record.requestId().stripTrailing().equals(row.requestId().stripTrailing())
                && record.issuedAtMillis() == row.issuedAt().toEpochMilli();
        if (!same) {
            discrepancy(row + " differs from its record " + record + " (" + record.where() + ")");
        }
    }

    /** After the table: every record of coupon-issued must have its row. */
    void rowsDone() {
        for (int n = 1; n <= recorded.size(); n++) {
            Coupon record = recorded.get(n - 1);
            if (record != null && !rowSeen.get(n)) {
                discrepancy("no row for coupon " + n + " of event " + eventId + " (" + record + "; its record: " + record.where() + ")");
            }
        }
        rowUsers.clear();
        rowIds.clear();
    }

    // ---- pass 4: the gate ----

    /** The users holding a coupon as coupon-issued says (the authority the gate must follow). */
    Set<String> couponHolders() {
        return Set.copyOf(recordedUsers.keySet());
    }

    /**
     * The users waiting for a returned coupon now. The audit replays the issuing rules only: until it
     * replays the lifecycle (waitlist, returns), nobody waits in it.
     */
    Set<String> waitingUsers() {
        return Set.of();
    }

    /** The users who returned their coupon (they stay applied at the gate without a place); none until the audit replays returns. */
    Set<String> returnedUsers() {
        return Set.of();
    }

    /** What the authority says of a user, in words, for a difference with the gate. */
    String authorityOn(String userId) {
        Integer couponNo = recordedUsers.get(userId);
        if (couponNo != null) {
            return "holds coupon " + couponNo;
        }
        LastDecided last = lastDecided.get(userId);
        return last == null ? "no request of this user was decided" : "holds no coupon (last decided " + last.verdict().outcome()
                + ", request " + last.requestId() + ")";
    }

    void gateDiscrepancy(String description) {
        discrepancy("gate: " + description);
    }

    // ---- the report ----

    boolean consistent() {
        return discrepancies == 0;
    }

    long discrepancies() {
        return discrepancies;
    }

    List<String> listedDiscrepancies() {
        return List.copyOf(listed);
    }

    /** k, the number of coupons the requests earn. */
    int expectedCoupons() {
        return expected.size();
    }

    /** One line: the counts, and k against the limit and the users who applied while it was open. */
    String summary() {
        int k = expected.size();
        String why;
        if (definition == null && definitions == 0) {
            why = "never defined";
        } else if (definition == null) {
            why = "deleted";
        } else if (definitions > 1) {
            why = "limit " + definition.limit() + " now; defined " + definitions + " times, each request decided under the definition then in force";
        } else if (k >= definition.limit()) {
            why = "= min(limit " + definition.limit() + ", distinct users who applied while open, at least " + k + ")";
        } else {
            why = "= min(limit " + definition.limit() + ", distinct users who applied while open: " + k + ")";
        }
        return String.format("%s: k = %,d %s; %,d request(s): %,d eligible, %,d duplicate, %,d sold out, %,d not open, %,d closed, %,d undefined,"
                        + " %,d re-delivered; coupon-issued %,d record(s), table %,d row(s), coupon-decisions %,d record(s)",
                eventId, k, why, requests, k, duplicates, soldOut, notOpen, closed, undefined, redelivered, records, rows, decisions);
    }

    private String limitNote() {
        return definition == null ? "" : " (limit " + definition.limit() + ")";
    }

    private void discrepancy(String description) {
        discrepancies++;
        if (listed.size() < maxListed) {
            listed.add(description);
        }
    }

    private static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
