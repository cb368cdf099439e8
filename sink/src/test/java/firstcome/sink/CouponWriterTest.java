package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CouponWriterTest {

    @Test
    void passesIssueTimesAsUtcWallTimesWithMillisecondsBothWays() {
        Instant at = Instant.parse("2026-11-24T10:00:00.123Z");

        assertThat(CouponWriter.issuedAtText(at)).isEqualTo("2026-11-24 10:00:00.123");
        assertThat(CouponWriter.issuedAt("2026-11-24 10:00:00.123000")).isEqualTo(at);
    }

    @Test
    void passesIssueTimesAfter2038AndAtTheEndsOfTheColumn() {
        Instant after2038 = Instant.parse("2040-02-29T23:59:59.999Z");

        assertThat(CouponWriter.issuedAtText(after2038)).isEqualTo("2040-02-29 23:59:59.999");
        assertThat(CouponWriter.issuedAt("2040-02-29 23:59:59.999000")).isEqualTo(after2038);
        assertThat(CouponWriter.issuedAtText(CouponWriter.EARLIEST_ISSUED_AT)).isEqualTo("1000-01-01 00:00:00.000");
        assertThat(CouponWriter.issuedAtText(CouponWriter.LATEST_ISSUED_AT)).isEqualTo("9999-12-31 23:59:59.999");
    }

    @Test
    void acceptsExactlyTheRangeOfADatetimeColumn() {
        assertThat(CouponWriter.fitsTheTable(Instant.parse("2038-01-19T03:14:08Z"))).isTrue();
        assertThat(CouponWriter.fitsTheTable(CouponWriter.EARLIEST_ISSUED_AT)).isTrue();
        assertThat(CouponWriter.fitsTheTable(CouponWriter.LATEST_ISSUED_AT)).isTrue();
        assertThat(CouponWriter.fitsTheTable(CouponWriter.EARLIEST_ISSUED_AT.minusMillis(1))).isFalse();
        assertThat(CouponWriter.fitsTheTable(CouponWriter.LATEST_ISSUED_AT.plusMillis(1))).isFalse();
    }

    @Test
    void assignsTheVersionLastSoThatEveryConditionReadsTheStoredOne() {
        // MySQL and MariaDB evaluate ON DUPLICATE KEY UPDATE assignments left to right, each later one
        // seeing the columns already assigned: were version assigned first, the other three would
        // compare the new version with itself and never change.
        Matcher assignment = Pattern.compile("(\\w+) = IF\\((.*?\\)), VALUES\\(\\1\\), \\1\\)").matcher(CouponWriter.APPLY_NEWER);
        List<String> columns = new java.util.ArrayList<>();
        while (assignment.find()) {
            columns.add(assignment.group(1));
            assertThat(assignment.group(2)).as("the condition of " + assignment.group(1)).isEqualTo(CouponWriter.NEWER);
        }

        assertThat(columns).containsExactly("state", "order_id", "updated_at", "version");
        assertThat(CouponWriter.APPLY_NEWER).startsWith(" ON DUPLICATE KEY UPDATE ");
    }

    @Test
    void replacesAStoredRowOnlyByAHigherVersionOfTheSameCoupon() {
        assertThat(CouponWriter.NEWER)
                .contains("VALUES(version) > version")
                .contains("user_id = VALUES(user_id)", "coupon_no = VALUES(coupon_no)", "request_id = VALUES(request_id)",
                        "issued_at = VALUES(issued_at)", "valid_until <=> VALUES(valid_until)")
                .doesNotContain("event_id");
    }
}
