package firstcome.loadkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** One coupon as the sink stored it in MySQL, where the promise is checked: who holds which number. */
public record CouponRow(String userId, int couponNo) {

    /** The event's rows in the {@code coupon} table, by coupon number. */
    public static List<CouponRow> ofEvent(Connection db, String eventId) throws SQLException {
        try (var statement = db.prepareStatement("SELECT user_id, coupon_no FROM coupon WHERE event_id = ? ORDER BY coupon_no")) {
            statement.setString(1, eventId);
            List<CouponRow> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new CouponRow(result.getString(1), result.getInt(2)));
                }
            }
            return rows;
        }
    }
}
