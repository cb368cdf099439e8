package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import firstcome.contract.IssuedCoupon;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The writer against a real MariaDB: idempotent upserts, contradictions found, instants kept. */
@ExtendWith(InfrastructureExtension.class)
class CouponWriterIT {

    private SinkFixture fixture;
    private CouponDatabase database;
    private CouponWriter writer;

    @BeforeEach
    void migrate(Infrastructure infrastructure) {
        fixture = new SinkFixture(infrastructure);
        database = CouponDatabase.connect(fixture.config("writer"), new SimpleMeterRegistry());
        database.migrate();
        writer = new CouponWriter(database.dataSource());
    }

    @AfterEach
    void close() {
        database.close();
        fixture.close();
    }

    @Test
    void writesEachCouponOnceHoweverOftenItsBatchIsWritten() throws Exception {
        String event = fixture.event("twice");
        List<IssuedCoupon> coupons = SinkFixture.coupons(event, 1, 700);

        CouponWriter.Result first = writer.write(coupons);
        var idsAfterFirst = fixture.rowIds(event);
        CouponWriter.Result second = writer.write(coupons);

        assertThat(first).isEqualTo(new CouponWriter.Result(new CouponWriter.Counts(700, 0), CouponWriter.Counts.NONE, List.of()));
        assertThat(second).isEqualTo(new CouponWriter.Result(new CouponWriter.Counts(0, 700), CouponWriter.Counts.NONE, List.of()));
        assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(coupons));
        assertThat(fixture.rowIds(event)).isEqualTo(idsAfterFirst);
    }

    @Test
    void storesIssuedAtAsTheSameInstantWhateverTheZoneOfTheJvm() throws Exception {
        // Failsafe runs this JVM in Asia/Seoul; rows() reads the UTC wall time the server holds.
        String event = fixture.event("instants");
        List<IssuedCoupon> coupons = List.of(
                new IssuedCoupon(event, "u1", 1, "r1", Instant.parse("2026-03-29T01:30:00.001Z")),
                new IssuedCoupon(event, "u2", 2, "r2", CouponWriter.EARLIEST_ISSUED_AT),
                new IssuedCoupon(event, "u3", 3, "r3", CouponWriter.LATEST_ISSUED_AT),
                new IssuedCoupon(event, "u4", 4, "r4", Instant.parse("2038-01-19T03:14:08Z")));

        writer.write(coupons);

        assertThat(fixture.rows(event)).containsExactlyElementsOf(SinkFixture.asRows(coupons));
        assertThat(writer.write(coupons).conflicts()).as("read back as the same instants").isEmpty();
    }

    @Test
    void reportsContradictionsAndNeverOverwritesTheStoredRow() throws Exception {
        String event = fixture.event("conflicts");
        IssuedCoupon stored = new IssuedCoupon(event, "u1", 1, "r1", SinkFixture.ISSUED_AT);
        writer.write(List.of(stored));

        CouponWriter.Result result = writer.write(List.of(
                new IssuedCoupon(event, "u2", 1, "r2", SinkFixture.ISSUED_AT),
                new IssuedCoupon(event, "u1", 2, "r3", SinkFixture.ISSUED_AT),
                new IssuedCoupon(event, "u1", 1, "r-other", SinkFixture.ISSUED_AT),
                new IssuedCoupon(event, "u3", 3, "r4", SinkFixture.ISSUED_AT)));

        assertThat(result.written()).isEqualTo(1);
        assertThat(result.conflicts()).extracting(CouponConflicts.Conflict::index, CouponConflicts.Conflict::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, DeadLetterReason.COUPON_NO_TAKEN),
                        org.assertj.core.groups.Tuple.tuple(1, DeadLetterReason.USER_HOLDS_OTHER_COUPON),
                        org.assertj.core.groups.Tuple.tuple(2, DeadLetterReason.DIFFERS_FROM_STORED));
        assertThat(fixture.rows(event)).containsExactly(
                CouponRow.of(stored), CouponRow.of(new IssuedCoupon(event, "u3", 3, "r4", SinkFixture.ISSUED_AT)));
    }

    @Test
    void findsContradictionsOnAConnectionThatCountsUnchangedRowsAsFound(Infrastructure infrastructure) throws Exception {
        // In found-rows mode an upsert that hits a stored row counts 1, as if it had inserted a new one.
        String event = fixture.event("found-rows");
        writer.write(List.of(new IssuedCoupon(event, "u1", 1, "r1", SinkFixture.ISSUED_AT)));
        HikariConfig foundRows = new HikariConfig();
        foundRows.setJdbcUrl(infrastructure.mysqlJdbcUrl() + "?useAffectedRows=false");
        foundRows.setUsername(infrastructure.mysqlUser());
        foundRows.setPassword(infrastructure.mysqlPassword());
        foundRows.setAutoCommit(false);
        foundRows.setMaximumPoolSize(1);

        try (HikariDataSource other = new HikariDataSource(foundRows)) {
            CouponWriter.Result result = new CouponWriter(other)
                    .write(List.of(new IssuedCoupon(event, "u2", 1, "r2", SinkFixture.ISSUED_AT)));

            assertThat(result.conflicts()).extracting(CouponConflicts.Conflict::reason).containsExactly(DeadLetterReason.COUPON_NO_TAKEN);
        }
    }

    @Test
    void treatsUserIdsThatDifferOnlyInCaseAsTwoUsers() throws Exception {
        String event = fixture.event("case");
        List<IssuedCoupon> coupons = List.of(
                new IssuedCoupon(event, "Alice", 1, "r1", SinkFixture.ISSUED_AT),
                new IssuedCoupon(event, "alice", 2, "r2", SinkFixture.ISSUED_AT));

        CouponWriter.Result result = writer.write(coupons);

        assertThat(result).isEqualTo(new CouponWriter.Result(new CouponWriter.Counts(2, 0), CouponWriter.Counts.NONE, List.of()));
    }

    @Test
    void migratesAnAlreadyMigratedSchemaWithoutChange() {
        assertThat(database.migrate().migrationsExecuted).isZero();
    }
}
