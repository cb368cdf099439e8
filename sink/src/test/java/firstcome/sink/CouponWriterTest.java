package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CouponWriterTest {

    @Test
    void passesIssueTimesAsEpochSecondsWithMillisecondsBothWays() {
        Instant at = Instant.parse("2026-11-24T10:00:00.123Z");

        assertThat(CouponWriter.epochSeconds(at)).isEqualByComparingTo("1795514400.123");
        assertThat(CouponWriter.instant(new BigDecimal("1795514400.123"))).isEqualTo(at);
        assertThat(CouponWriter.instant(new BigDecimal("1795514400.123000"))).isEqualTo(at);
    }

    @Test
    void acceptsExactlyTheRangeOfATimestampColumn() {
        assertThat(CouponWriter.fitsTheTable(CouponWriter.EARLIEST_ISSUED_AT)).isTrue();
        assertThat(CouponWriter.fitsTheTable(CouponWriter.LATEST_ISSUED_AT)).isTrue();
        assertThat(CouponWriter.fitsTheTable(CouponWriter.EARLIEST_ISSUED_AT.minusMillis(1))).isFalse();
        assertThat(CouponWriter.fitsTheTable(CouponWriter.LATEST_ISSUED_AT.plusMillis(1))).isFalse();
    }
}
