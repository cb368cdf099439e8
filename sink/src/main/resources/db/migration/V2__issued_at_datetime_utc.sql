-- issued_at becomes DATETIME(3) holding UTC: a TIMESTAMP ends at 2038-01-19T03:14:07Z, after which
-- every coupon would be dead-lettered. DATETIME(3) holds 1000-01-01 to 9999-12-31, to the millisecond.
--  * The session zone is set here, not only by the sink's pool (CouponDatabase), because a TIMESTAMP
--    is converted to a DATETIME in the session's zone: at '+00:00' every stored instant becomes its
--    UTC wall time exactly, with its milliseconds, and no DST gap or overlap can move a value.
--  * No DEFAULT: a DATETIME default would be the writer's session time, not UTC for every client;
--    the sink always supplies the value.
--  * Changing a column's type copies the table, which blocks writes for the time of the copy (about
--    a second per few hundred thousand rows): the sink retries its batches meanwhile.
SET time_zone = '+00:00';

ALTER TABLE coupon MODIFY issued_at DATETIME(3) NOT NULL;
