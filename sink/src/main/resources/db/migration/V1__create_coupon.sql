-- The contract's table. Written only by the sink, one row per issued coupon.
-- Portable between MySQL 8.x and MariaDB 10.11+.
--  * utf8mb4_bin: ids are case-sensitive ("U-1" and "u-1" are two users), as in Kafka and Redis.
--  * issued_at is written and read with the session zone at UTC (see CouponDatabase).
--  * DEFAULT CURRENT_TIMESTAMP(3) without ON UPDATE: stated so that neither server adds its
--    implicit auto-update to the first TIMESTAMP column; the sink always supplies the value.
CREATE TABLE coupon (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    event_id   VARCHAR(64)  NOT NULL,
    user_id    VARCHAR(64)  NOT NULL,
    coupon_no  INT          NOT NULL,
    request_id CHAR(36)     NOT NULL,
    issued_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    CONSTRAINT uq_coupon_event_user UNIQUE (event_id, user_id),
    CONSTRAINT uq_coupon_event_coupon_no UNIQUE (event_id, coupon_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
