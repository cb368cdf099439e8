package firstcome.ingress;

import firstcome.contract.ServiceDescription;
import firstcome.contract.Setting;
import java.util.List;

/**
 * Every environment variable the ingress reads, with its default: {@code java -jar ingress.jar --help}
 * prints them and the start logs the value each took. {@code IngressSettingsTest} keeps the list
 * equal to what {@link IngressConfig#fromEnv} reads, and each default equal to the one it takes.
 */
final class IngressSettings {

    static final ServiceDescription DESCRIPTION = new ServiceDescription("ingress",
            "the HTTP API in front of the Redis gate and the hand-off to Kafka (applications, statuses, the admin and shop routes, the pages)",
            List.of(
                    Setting.KAFKA_BOOTSTRAP_SERVERS,
                    Setting.KAFKA_CLIENT_CONFIG,
                    Setting.REDIS_URL,
                    Setting.REDIS_CLUSTER,
                    Setting.secret("ADMIN_TOKEN", "the admin API's bearer token; unset: every admin call is refused"),
                    Setting.of("INGRESS_PORT", "8080", "the HTTP port (0: any free one)"),
                    Setting.HTTP_HOST,
                    Setting.of("INGRESS_REDIS_TIMEOUT_MS", "500", "connect, read and pool-wait timeout of every Redis call"),
                    Setting.of("INGRESS_REDIS_POOL_SIZE", "64", "connections to Redis (per master of a cluster)"),
                    Setting.of("INGRESS_KAFKA_DELIVERY_TIMEOUT_MS", "3000",
                            "producer delivery.timeout.ms: the longest an application waits for the broker before 503 UNCONFIRMED"),
                    Setting.of("INGRESS_KAFKA_MAX_BLOCK_MS", "250", "producer max.block.ms: how long send() may block a request thread"),
                    Setting.of("INGRESS_KAFKA_BUFFER_BYTES", "8388608", "producer buffer.memory: what an outage can queue up"),
                    Setting.of("INGRESS_KAFKA_LINGER_MS", "2", "producer linger.ms"),
                    Setting.of("INGRESS_SOLD_OUT_SHORTCUT", "true", "answer a sold-out event's applications from memory"),
                    Setting.of("INGRESS_SOLD_OUT_RECHECK_MS", "250", "the most a memory answer can lag behind Redis"),
                    Setting.of("INGRESS_SOLD_OUT_SNAPSHOT_MAX", "100000", "events with a larger capacity never use the short-cut"),
                    Setting.of("INGRESS_SOLD_OUT_SHORTCUT_MAX_USERS", "500000", "the users the short-cut holds across all events"),
                    Setting.of("PROCESSOR_URL", "http://localhost:8081", "the streams-processor, asked for statuses, tallies and holders"),
                    Setting.of("INGRESS_RATE_LIMIT_PER_SECOND", "0", "requests per second per client address (0: no limit)"),
                    Setting.of("INGRESS_RATE_LIMIT_BURST", "0", "the rate limit's burst (0: twice the rate)"),
                    Setting.of("INGRESS_TRUST_FORWARDED_FOR", "false", "key the rate limit by the last X-Forwarded-For address"),
                    Setting.of("INGRESS_MAX_HEADER_BYTES", "8192", "request line + headers; larger: 431"),
                    Setting.of("INGRESS_IDLE_TIMEOUT_MS", "30000", "a silent connection is closed after this"),
                    Setting.of("INGRESS_REQUEST_READ_TIMEOUT_MS", "10000", "a request not whole this long after its first byte is cut"),
                    Setting.of("INGRESS_MIN_REQUEST_BYTES_PER_SECOND", "100", "a request arriving slower than this is cut"),
                    Setting.of("INGRESS_MAX_CONNECTIONS_PER_CLIENT", "64", "open connections per client address"),
                    Setting.of("INGRESS_MAX_CONNECTIONS", "20000", "open connections in all"),
                    Setting.of("INGRESS_RECONCILE_AFTER_MS", "0",
                            "how long a request may stay pending at the gate before it is published again (0: delivery timeout + max block + 2 s)"),
                    Setting.EVENT_RETENTION,
                    Setting.secret("SHOP_TOKEN", "the shop routes' bearer token; unset: every shop call is refused"),
                    Setting.of("INGRESS_ACTION_TIMEOUT_MS", "3000", "how long a shop route waits for its action's decision (1..60000)"),
                    Setting.secret("SHOPPER_JWT_SECRET", "HS256 secret of shopper tokens; unset (and no JWKS): shopper identities off"),
                    Setting.optional("SHOPPER_JWT_JWKS", "instead of the secret, a JWKS file of RS256 / ES256 public keys"),
                    Setting.optional("SHOPPER_JWT_ISSUER", "the exact iss a shopper token must carry; unset: not checked"),
                    Setting.optional("SHOPPER_JWT_AUDIENCE", "the aud a shopper token must carry; unset: not checked"),
                    Setting.of("INGRESS_SHUTDOWN_DRAIN_MS", "5000",
                            "after SIGTERM: readiness answers 503 while every route still serves, this long"),
                    Setting.of("INGRESS_SHUTDOWN_TIMEOUT_MS", "0",
                            "the bound on the whole graceful stop (0: drain + delivery timeout + max block + 2 s)"),
                    Setting.LOG_FORMAT));

    private IngressSettings() {
    }
}
