package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import firstcome.contract.CouponChange;
import firstcome.contract.CouponState;
import firstcome.contract.IssuedCoupon;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CouponConflictsTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00.123Z");

    private static CouponRow coupon(String user, int number, String request) {
        return CouponRow.of(new IssuedCoupon("e1", user, number, request, AT));
    }

    private static CouponRow row(String user, int number, String request, Instant at) {
        return new CouponRow("e1", user, number, request, at);
    }

    @Test
    void findsNothingWhenEveryCouponIsStoredAsItIs() {
        List<CouponRow> batch = List.of(coupon("u1", 1, "r1"), coupon("u2", 2, "r2"), coupon("u1", 1, "r1"));

        var conflicts = CouponConflicts.find(batch, List.of(batch.get(0), batch.get(1)));

        assertThat(conflicts).isEmpty();
    }

    @Test
    void reportsACouponNumberStoredForAnotherUser() {
        var conflicts = CouponConflicts.find(List.of(coupon("u2", 1, "r2")), List.of(row("u1", 1, "r1", AT)));

        assertThat(conflicts).singleElement().satisfies(conflict -> {
            assertThat(conflict.index()).isZero();
            assertThat(conflict.reason()).isEqualTo(DeadLetterReason.COUPON_NO_TAKEN);
            assertThat(conflict.detail()).contains("coupon 1 of event e1 for user u1");
        });
    }

    @Test
    void reportsAUserStoredWithAnotherCouponNumber() {
        var conflicts = CouponConflicts.find(List.of(coupon("u1", 7, "r1")), List.of(row("u1", 3, "r1", AT)));

        assertThat(conflicts).extracting(CouponConflicts.Conflict::reason).containsExactly(DeadLetterReason.USER_HOLDS_OTHER_COUPON);
    }

    @Test
    void reportsTheSameCouponFromAnotherRequestOrTime() {
        var conflicts = CouponConflicts.find(
                List.of(coupon("u1", 1, "r-other"), CouponRow.of(new IssuedCoupon("e1", "u2", 2, "r2", AT.plusMillis(1)))),
                List.of(row("u1", 1, "r1", AT), row("u2", 2, "r2", AT)));

        assertThat(conflicts).extracting(CouponConflicts.Conflict::index, CouponConflicts.Conflict::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, DeadLetterReason.DIFFERS_FROM_STORED),
                        org.assertj.core.groups.Tuple.tuple(1, DeadLetterReason.DIFFERS_FROM_STORED));
    }

    @Test
    void keepsTheFirstOfTwoContradictingCouponsInOneBatch() {
        // The upsert stores the first; the read-back then shows the second contradicts it.
        List<CouponRow> batch = List.of(coupon("u1", 1, "r1"), coupon("u2", 1, "r2"));

        var conflicts = CouponConflicts.find(batch, List.of(batch.get(0)));

        assertThat(conflicts).extracting(CouponConflicts.Conflict::index).containsExactly(1);
    }

    @Test
    void ignoresTrailingSpacesOfARequestIdAsTheCharColumnDoes() {
        var conflicts = CouponConflicts.find(List.of(coupon("u1", 1, "r1  ")), List.of(row("u1", 1, "r1", AT)));

        assertThat(conflicts).isEmpty();
    }

    @Test
    void refusesToGuessWhenACouponHasNoRowAtAll() {
        assertThatThrownBy(() -> CouponConflicts.find(List.of(coupon("u1", 1, "r1")), List.of()))
                .isInstanceOf(IllegalStateException.class);
    }

    private static CouponRow change(String user, int number, String request, int version, CouponState state, String order) {
        return CouponRow.of(new CouponChange("e1", user, number, request, AT, null, state, order, version, AT.plusSeconds(version)));
    }

    @Test
    void findsAChangeStoredWhenItsCouponIsAtItsVersionOrALaterOne() {
        CouponRow redeemed = change("u1", 1, "r1", 1, CouponState.REDEEMED, "o-1");
        CouponRow unredeemed = change("u1", 1, "r1", 2, CouponState.ISSUED, null);
        CouponRow issued = coupon("u1", 1, "r1");

        var conflicts = CouponConflicts.find(List.of(redeemed, issued, unredeemed, redeemed), List.of(unredeemed));

        assertThat(conflicts).isEmpty();
    }

    @Test
    void reportsAChangeOfACouponTheTableHoldsOtherwise() {
        CouponRow stored = coupon("u1", 1, "r1");
        List<CouponRow> batch = List.of(
                change("u2", 1, "r2", 1, CouponState.RETURNED, null),
                change("u1", 2, "r1", 1, CouponState.RETURNED, null),
                change("u1", 1, "r-other", 1, CouponState.RETURNED, null),
                CouponRow.of(new CouponChange("e1", "u1", 1, "r1", AT, AT.plusSeconds(60), CouponState.RETURNED, null, 1, AT)));

        var conflicts = CouponConflicts.find(batch, List.of(stored));

        assertThat(conflicts).extracting(CouponConflicts.Conflict::reason).containsExactly(
                DeadLetterReason.COUPON_NO_TAKEN, DeadLetterReason.USER_HOLDS_OTHER_COUPON,
                DeadLetterReason.DIFFERS_FROM_STORED, DeadLetterReason.DIFFERS_FROM_STORED);
        assertThat(conflicts.get(3).detail()).contains("coupon 1 of event e1 for user u1", "version 0");
    }

    @Test
    void refusesToGuessWhenAHigherVersionOfTheStoredCouponWasNotApplied() {
        CouponRow stored = coupon("u1", 1, "r1");

        assertThatThrownBy(() -> CouponConflicts.find(List.of(change("u1", 1, "r1", 1, CouponState.RETURNED, null)), List.of(stored)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 0");
    }
}
