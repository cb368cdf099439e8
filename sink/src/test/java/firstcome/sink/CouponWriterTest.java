package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
}
