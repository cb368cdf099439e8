package firstcome.ingress.kafka;

import firstcome.contract.CouponRequest;
import firstcome.contract.JsonSerde;

/**
 * The JSON of an application's request, serialised once: the gate keeps it as the pending request and
 * the record to coupon-requests carries it, the same bytes (the requests topic's serde). An application
 * asks for it twice on its request thread, the admit and then the send, so the last request serialised
 * on each thread is remembered (by identity: a request is an immutable record).
 */
public final class RequestJson {

    private static final JsonSerde<CouponRequest> SERDE = new JsonSerde<>(CouponRequest.class);

    private record Last(CouponRequest request, byte[] json) {
    }

    private static final ThreadLocal<Last> LAST = new ThreadLocal<>();

    private RequestJson() {
    }

    /** The request as JSON in UTF-8; callers never change the array. */
    public static byte[] of(CouponRequest request) {
        Last last = LAST.get();
        if (last != null && last.request() == request) {
            return last.json();
        }
        byte[] json = SERDE.serialize(null, request);
        LAST.set(new Last(request, json));
        return json;
    }
}
