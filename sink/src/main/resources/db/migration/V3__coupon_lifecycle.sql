-- The coupon lifecycle: each row shows its coupon's latest state (docs/lifecycle.md, "MySQL").
--  * state: ISSUED, REDEEMED or RETURNED; existing rows were issued and never changed, so ISSUED.
--  * order_id: the order that redeemed the coupon, NULL unless REDEEMED.
--  * valid_until: the coupon's validity as issued (UTC, like issued_at), NULL for no expiry.
--  * updated_at: when the row's state last changed (UTC); existing rows: their issued_at.
--  * version: how many times the coupon's state changed (its issue is 0); a row is only ever
--    replaced by a higher version, so a re-delivered or out-of-date change never moves it back.
-- updated_at is added NULL, filled, then made NOT NULL with the row's own issued_at as its default
-- (an expression default naming another column: MySQL 8.0.13+, MariaDB 10.2+): a row inserted
-- without it (a sink of the previous release during an upgrade, a hand edit) reads as never changed
-- since its issue, as the migrated rows do; the sink always supplies the value. Not the time of the
-- insert: that would be the writer's session time, not UTC for every client. Portable between
-- MySQL 8.0.16+ and MariaDB 10.11+ (both enforce the CHECK). Adding columns copies the table on
-- either server: writes wait for the copy, and the sink retries its batches meanwhile.
SET time_zone = '+00:00';

ALTER TABLE coupon
    ADD COLUMN state       VARCHAR(16) NOT NULL DEFAULT 'ISSUED',
    ADD COLUMN order_id    VARCHAR(64) NULL,
    ADD COLUMN valid_until DATETIME(3) NULL,
    ADD COLUMN updated_at  DATETIME(3) NULL,
    ADD COLUMN version     INT         NOT NULL DEFAULT 0,
    ADD CONSTRAINT ck_coupon_state CHECK (state IN ('ISSUED', 'REDEEMED', 'RETURNED'));

UPDATE coupon SET updated_at = issued_at WHERE updated_at IS NULL;

ALTER TABLE coupon MODIFY updated_at DATETIME(3) NOT NULL DEFAULT (issued_at);
