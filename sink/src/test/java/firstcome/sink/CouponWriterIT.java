package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import firstcome.contract.CouponChange;
import firstcome.contract.CouponState;
import firstcome.contract.IssuedCoupon;
import firstcome.testkit.Infrastructure;
import firstcome.testkit.InfrastructureExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The writer against a real MariaDB: idempotent upserts, contradictions found, instants kept, and a
 * coupon's changes applied by version whatever order the issues and changes come in.
 */
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

    private static final Instant VALID_UNTIL = SinkFixture.ISSUED_AT.plusSeconds(86_400);

    /** The issue of {@code user}'s coupon {@code n}, valid for a day. */
    private static IssuedCoupon issue(String event, String user, int n) {
        return new IssuedCoupon(event, user, n, "r-" + user, SinkFixture.ISSUED_AT, VALID_UNTIL);
    }

    /** Change {@code version} of that coupon: redeemed by o-{version} when odd, given back when even. */
    private static CouponChange change(IssuedCoupon coupon, int version) {
        boolean redeemed = version % 2 == 1;
        return new CouponChange(coupon.eventId(), coupon.userId(), coupon.couponNo(), coupon.requestId(), coupon.issuedAt(),
                coupon.validUntil(), redeemed ? CouponState.REDEEMED : CouponState.ISSUED, redeemed ? "o-" + version : null, version,
                coupon.issuedAt().plusSeconds(version));
    }

    private static CouponChange returned(IssuedCoupon coupon, int version) {
        return new CouponChange(coupon.eventId(), coupon.userId(), coupon.couponNo(), coupon.requestId(), coupon.issuedAt(),
                coupon.validUntil(), CouponState.RETURNED, null, version, coupon.issuedAt().plusSeconds(version));
    }

    @Test
    void writesTheWholeRowOfAChangeReadBeforeItsIssueAndKeepsItWhenTheIssueArrives() throws Exception {
        String event = fixture.event("change-first");
        IssuedCoupon coupon = issue(event, "u1", 1);
        CouponChange redeemed = change(coupon, 1);

        CouponWriter.Result changeFirst = writer.writeRows(List.of(CouponRow.of(redeemed)));
        var ids = fixture.rowIds(event);
        CouponWriter.Result issueAfter = writer.write(List.of(coupon));

        assertThat(changeFirst).isEqualTo(new CouponWriter.Result(CouponWriter.Counts.NONE, new CouponWriter.Counts(1, 0), List.of()));
        assertThat(issueAfter).isEqualTo(new CouponWriter.Result(new CouponWriter.Counts(0, 1), CouponWriter.Counts.NONE, List.of()));
        assertThat(fixture.rows(event)).containsExactly(
                new CouponRow(event, "u1", 1, "r-u1", SinkFixture.ISSUED_AT, VALID_UNTIL, "REDEEMED", "o-1", SinkFixture.ISSUED_AT.plusSeconds(1), 1));
        assertThat(fixture.rowIds(event)).isEqualTo(ids);
    }

    @Test
    void replacesARowOnlyByAHigherVersionAcrossBatches() throws Exception {
        String event = fixture.event("versions");
        IssuedCoupon coupon = issue(event, "u1", 1);
        writer.write(List.of(coupon));

        CouponWriter.Result third = writer.writeRows(List.of(CouponRow.of(returned(coupon, 3))));
        CouponWriter.Result first = writer.writeRows(List.of(CouponRow.of(change(coupon, 1))));
        CouponWriter.Result secondTwice = writer.writeRows(List.of(CouponRow.of(change(coupon, 2)), CouponRow.of(change(coupon, 2))));
        CouponWriter.Result issueAgain = writer.write(List.of(coupon));

        assertThat(third.changes()).isEqualTo(new CouponWriter.Counts(1, 0));
        assertThat(first.changes()).isEqualTo(new CouponWriter.Counts(0, 1));
        assertThat(secondTwice.changes()).isEqualTo(new CouponWriter.Counts(0, 2));
        assertThat(issueAgain.issues()).isEqualTo(new CouponWriter.Counts(0, 1));
        assertThat(fixture.rows(event)).containsExactly(CouponRow.of(returned(coupon, 3)));
    }

    @Test
    void appliesEveryVersionOfACouponInOneBatchInWhateverOrder() throws Exception {
        String event = fixture.event("one-batch");
        IssuedCoupon coupon = issue(event, "u1", 1);

        CouponWriter.Result result = writer.writeRows(List.of(
                CouponRow.of(change(coupon, 2)), CouponRow.of(change(coupon, 3)), CouponRow.of(coupon), CouponRow.of(change(coupon, 1))));

        assertThat(result.conflicts()).isEmpty();
        assertThat(result.written() + result.alreadyStored()).isEqualTo(4);
        assertThat(fixture.rows(event)).containsExactly(CouponRow.of(change(coupon, 3)));
    }

    @Test
    void neverChangesAnotherCouponsRowForAChangeThatContradictsIt() throws Exception {
        String event = fixture.event("change-conflicts");
        IssuedCoupon stored = issue(event, "u1", 1);
        writer.write(List.of(stored));
        IssuedCoupon otherUserSameNumber = issue(event, "u2", 1);
        IssuedCoupon sameUserOtherNumber = issue(event, "u1", 2);
        IssuedCoupon otherRequest = new IssuedCoupon(event, "u1", 1, "r-other", SinkFixture.ISSUED_AT, VALID_UNTIL);
        IssuedCoupon otherValidity = new IssuedCoupon(event, "u1", 1, "r-u1", SinkFixture.ISSUED_AT, null);

        CouponWriter.Result result = writer.writeRows(List.of(
                CouponRow.of(returned(otherUserSameNumber, 5)), CouponRow.of(returned(sameUserOtherNumber, 5)),
                CouponRow.of(returned(otherRequest, 5)), CouponRow.of(returned(otherValidity, 5)),
                CouponRow.of(change(issue(event, "u3", 3), 1))));

        assertThat(result.conflicts()).extracting(CouponConflicts.Conflict::index, CouponConflicts.Conflict::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, DeadLetterReason.COUPON_NO_TAKEN),
                        org.assertj.core.groups.Tuple.tuple(1, DeadLetterReason.USER_HOLDS_OTHER_COUPON),
                        org.assertj.core.groups.Tuple.tuple(2, DeadLetterReason.DIFFERS_FROM_STORED),
                        org.assertj.core.groups.Tuple.tuple(3, DeadLetterReason.DIFFERS_FROM_STORED));
        assertThat(result.changes()).isEqualTo(new CouponWriter.Counts(1, 0));
        assertThat(fixture.rows(event)).containsExactly(CouponRow.of(stored), CouponRow.of(change(issue(event, "u3", 3), 1)));
    }

    @Test
    void endsInTheSameTableWhateverTheOrderBatchesAndRedeliveriesOfIssuesAndChanges() throws Exception {
        for (int seed = 1; seed <= 8; seed++) {
            Random random = new Random(seed);
            String event = fixture.event("any-order-" + seed);
            List<CouponRow> records = new ArrayList<>();
            List<CouponRow> expected = new ArrayList<>();
            for (int n = 1; n <= 40; n++) {
                IssuedCoupon coupon = issue(event, "u" + n, n);
                records.add(CouponRow.of(coupon));
                int versions = random.nextInt(5);
                for (int v = 1; v <= versions; v++) {
                    records.add(CouponRow.of(v == 4 ? returned(coupon, v) : change(coupon, v)));
                }
                expected.add(records.get(records.size() - 1));
            }
            // Re-deliveries: a random quarter of the records again, then everything shuffled.
            for (int i = records.size() / 4; i > 0; i--) {
                records.add(records.get(random.nextInt(records.size())));
            }
            Collections.shuffle(records, random);

            int from = 0;
            while (from < records.size()) {
                int to = Math.min(records.size(), from + 1 + random.nextInt(30));
                assertThat(writer.writeRows(records.subList(from, to)).conflicts()).isEmpty();
                from = to;
            }

            assertThat(fixture.rows(event)).as("seed " + seed).containsExactlyElementsOf(expected);
        }
    }
}
