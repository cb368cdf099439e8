package firstcome.ops;

import firstcome.contract.EventDefinition;
import firstcome.contract.IssuedCoupon;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit of one event, fed in three passes: its requests in log order (with the definition in
 * force at each), which it decides itself; then its records of {@code coupon-issued}; then its
 * rows of the table in coupon order. It keeps what it expects and what it found per coupon
 * number, so its memory grows with the coupons issued, never with the requests.
 *
 * <p>The rule is written out here on purpose, not taken from the streams-processor: a request is
 * eligible when the event is defined, the user holds no coupon of it yet, the request's record
 * time lies in {@code [opensAt, closesAt)}, and fewer than {@code limit} coupons were issued
 * before it; coupon n belongs to the n-th eligible request.
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

    private final String eventId;
    private final int maxListed;
    private EventDefinition definition;
    private int definitions;
    private long requests;
    private long duplicates;
    private long notOpen;
    private long closed;
    private long soldOut;
    private long undefined;

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

    /** {@code maxListed} bounds the discrepancies described, not those counted. */
    EventAudit(String eventId, int maxListed) {
        this.eventId = eventId;
        this.maxListed = maxListed;
    }

    String eventId() {
        return eventId;
    }

    // ---- pass 1: coupon-events and coupon-requests, merged in record-time order per partition ----

    /** A definition takes effect for the requests after it; {@code null} (a tombstone) removes the event. */
    void define(EventDefinition newDefinition) {
        definition = newDefinition;
        if (newDefinition != null) {
            definitions++;
        }
    }

    void request(String userId, String requestId, long timestamp, String topic, int partition, long offset) {
        requests++;
        Instant at = Instant.ofEpochMilli(timestamp);
        if (definition == null) {
            undefined++;
        } else if (holders.containsKey(userId)) {
            duplicates++;
        } else if (at.isBefore(definition.opensAt())) {
            notOpen++;
        } else if (definition.closesAt() != null && !at.isBefore(definition.closesAt())) {
            closed++;
        } else if (expected.size() >= definition.limit()) {
            soldOut++;
        } else {
            expected.add(new Coupon(userId, requestId, timestamp, topic, partition, offset));
            holders.put(userId, expected.size());
        }
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
        return String.format("%s: k = %,d %s; %,d request(s): %,d eligible, %,d duplicate, %,d sold out, %,d not open, %,d closed, %,d undefined;"
                        + " coupon-issued %,d record(s), table %,d row(s)",
                eventId, k, why, requests, k, duplicates, soldOut, notOpen, closed, undefined, records, rows);
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
