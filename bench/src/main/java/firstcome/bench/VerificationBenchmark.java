package firstcome.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import firstcome.ingress.identity.ShopperIdentityConfig;
import firstcome.ingress.identity.ShopperVerification;
import firstcome.ingress.identity.ShopperVerifier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What verifying a shopper's token costs (docs/identities.md), next to what an accepted
 * application costs: the ingress's own {@link ShopperVerifier}, in this JVM, on one thread, for a
 * valid token and for one with a bad signature, per kind of key (HS256; RS256 with a 2048-bit key;
 * ES256 on P-256), as the thread's CPU time per verification after a warm-up. The accepted
 * application's cost is measured on the stack in the same run ({@link ShopBenchmark}'s apply phase:
 * the ingress's and the whole stack's CPU time per accepted application, from {@code /proc}); the
 * result is a ratio, never a timed assertion.
 *
 * <p>Alone: {@code java -cp bench/target/bench.jar firstcome.bench.VerificationBenchmark [--quick]},
 * from the repository root. The verification part needs no stack; when the ingress of
 * {@code make up} answers at {@code INGRESS_URL} (and {@code .local/pids/} names its processes), it
 * also runs an apply phase of 1,000 accepted applications there and prints the ratios.
 */
final class VerificationBenchmark {

    /** One kind of key: thread CPU time per verification, valid token and refused (bad signature) token. */
    record Cost(String algorithm, double validMicros, long valid, double refusedMicros, long refused) {
    }

    /** Every kind, with the warm-up and measuring time each (valid, refused) case got. */
    record Result(List<Cost> costs, double warmUpSeconds, double measureSeconds) {

        /** verification = x % of the ingress's CPU per accepted application (y % of the stack's), per kind. */
        List<String> lines(ShopBenchmark.Phase apply) {
            List<String> out = new ArrayList<>();
            for (Cost c : costs) {
                String line = String.format(Locale.ROOT, "%s: %.1f µs CPU per valid token (%,d verified), %.1f µs per bad signature (%,d refused)",
                        c.algorithm(), c.validMicros(), c.valid(), c.refusedMicros(), c.refused());
                if (apply != null) {
                    line += String.format(Locale.ROOT, "; verification = %s of the ingress's CPU per accepted application (%s of the stack's)",
                            percent(c.validMicros(), ingressMicros(apply)), percent(c.validMicros(), stackMicros(apply)));
                }
                out.add(line);
            }
            return out;
        }
    }

    /** The claims of the measured tokens: a user id, a day ahead, and a custom claim as a shop sends it. */
    private static final String SUBJECT = "user:verification-bench";
    private static final String SECRET = "a-bench-secret-of-at-least-32-bytes!!";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private VerificationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Consumer<String> say = line -> System.out.println("verification: " + line);
        Result result = run(quick, say);
        ShopBenchmark.Phase apply = null;
        String ingressUrl = System.getenv().getOrDefault("INGRESS_URL",
                "http://localhost:" + System.getenv().getOrDefault("INGRESS_PORT", "8080"));
        if (healthy(ingressUrl) && Files.isRegularFile(Path.of(".local", "pids", "ingress.pid"))) {
            say.accept("the ingress answers at " + ingressUrl + ": 1,000 accepted applications to compare with");
            apply = applyPhase(ingressUrl, System.getenv().getOrDefault("ADMIN_TOKEN", "local-admin-token"),
                    System.getenv().getOrDefault("SHOP_TOKEN", "local-shop-token"),
                    System.getenv().getOrDefault("MYSQL_URL", "jdbc:mysql://localhost:3306/coupon"),
                    System.getenv().getOrDefault("MYSQL_USER", "coupon"),
                    System.getenv().getOrDefault("MYSQL_PASSWORD", "coupon"), 1_000);
            say.accept("accepted application: " + apply.row());
        } else {
            say.accept("no stack at " + ingressUrl + " (make up): the verification part only");
        }
        result.lines(apply).forEach(say);
    }

    /**
     * Measures every kind: full, 1 s of warm-up and 2 s of measuring per case (six cases, about 20 s
     * with the key generation); {@code quick}, half that.
     */
    static Result run(boolean quick, Consumer<String> say) throws Exception {
        Duration warmUp = Duration.ofMillis(quick ? 500 : 1_000);
        Duration measure = Duration.ofMillis(quick ? 1_000 : 2_000);
        say.accept(String.format(Locale.ROOT, "ShopperVerifier on one thread, HS256 / RS256 (2048) / ES256 (P-256), valid and bad-signature"
                + " tokens: %.1f s warm-up + %.1f s measured each", warmUp.toMillis() / 1000.0, measure.toMillis() / 1000.0));
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("bench-rsa").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("bench-ec").generate();
        Path dir = Files.createTempDirectory("verification-bench");
        Path jwks = dir.resolve("jwks.json");
        try {
            Files.writeString(jwks, new JWKSet(List.of(rsa, ec)).toPublicJWKSet().toString(), UTF_8);
            ShopperVerifier bySecret = ShopperVerifier.create(new ShopperIdentityConfig(Optional.of(SECRET),
                    Optional.empty(), Optional.empty(), Optional.empty()), Clock.systemUTC()).orElseThrow();
            ShopperVerifier byKeys = ShopperVerifier.create(new ShopperIdentityConfig(Optional.empty(),
                    Optional.of(jwks), Optional.empty(), Optional.empty()), Clock.systemUTC()).orElseThrow();
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(SUBJECT).issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(Duration.ofDays(1)))).claim("tier", "gold").build();
            List<Cost> costs = new ArrayList<>();
            costs.add(cost("HS256", bySecret, sign(JWSAlgorithm.HS256, null, new MACSigner(SECRET.getBytes(UTF_8)), claims),
                    warmUp, measure, say));
            costs.add(cost("RS256", byKeys, sign(JWSAlgorithm.RS256, rsa.getKeyID(), new RSASSASigner(rsa), claims),
                    warmUp, measure, say));
            costs.add(cost("ES256", byKeys, sign(JWSAlgorithm.ES256, ec.getKeyID(), new ECDSASigner(ec), claims),
                    warmUp, measure, say));
            return new Result(costs, warmUp.toMillis() / 1000.0, measure.toMillis() / 1000.0);
        } finally {
            Files.deleteIfExists(jwks);
            Files.deleteIfExists(dir);
        }
    }

    private static Cost cost(String algorithm, ShopperVerifier verifier, String token, Duration warmUp, Duration measure,
                             Consumer<String> say) {
        String forged = badSignature(token);
        measure(algorithm, verifier, token, true, warmUp);
        long[] valid = measure(algorithm, verifier, token, true, measure);
        measure(algorithm, verifier, forged, false, warmUp);
        long[] refused = measure(algorithm, verifier, forged, false, measure);
        Cost cost = new Cost(algorithm, valid[1] / 1000.0 / valid[0], valid[0], refused[1] / 1000.0 / refused[0], refused[0]);
        say.accept(String.format(Locale.ROOT, "%s: %.1f µs CPU per valid token, %.1f µs per bad signature",
                algorithm, cost.validMicros(), cost.refusedMicros()));
        return cost;
    }

    /**
     * Verifies {@code token} in batches of 100 for {@code duration} of wall time; every answer must be
     * the expected one (a verified shopper, or a refusal). Returns {verifications, thread CPU nanos}.
     */
    private static long[] measure(String algorithm, ShopperVerifier verifier, String token, boolean valid, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long count = 0;
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                ShopperVerification answer = verifier.verifyToken(token);
                if (answer.shopper().isPresent() != valid) {
                    throw new IllegalStateException(algorithm + ": a " + (valid ? "valid" : "badly signed")
                            + " token was answered " + answer);
                }
            }
            count += 100;
        }
        return new long[] {count, THREADS.getCurrentThreadCpuTime() - cpuStart};
    }

    private static String sign(JWSAlgorithm algorithm, String keyId, JWSSigner signer, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /**
     * The token with one character in the middle of its signature changed: the same length, so the
     * verifier does the whole verification and finds it does not match.
     */
    static String badSignature(String token) {
        int signature = token.lastIndexOf('.') + 1;
        int at = signature + (token.length() - signature) / 2;
        char replaced = token.charAt(at) == 'A' ? 'B' : 'A';
        return token.substring(0, at) + replaced + token.substring(at + 1);
    }

    /** The ingress's CPU time per accepted application, in µs. */
    static double ingressMicros(ShopBenchmark.Phase apply) {
        Double seconds = apply.cpuByProcess().get("ingress");
        return seconds == null ? Double.NaN : seconds * 1e6 / apply.operations();
    }

    /** The whole stack's CPU time per accepted application, in µs. */
    static double stackMicros(ShopBenchmark.Phase apply) {
        return apply.cpuSeconds() * 1e6 / apply.operations();
    }

    static String percent(double part, double whole) {
        return Double.isNaN(whole) || whole <= 0 ? "?" : String.format(Locale.ROOT, "%.1f %%", 100 * part / whole);
    }

    private static ShopBenchmark.Phase applyPhase(String ingressUrl, String adminToken, String shopToken, String jdbcUrl,
                                                 String dbUser, String dbPassword, int n) throws Exception {
        String event = "bench-verify-" + Long.toString(System.currentTimeMillis(), 36);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ingressUrl + "/admin/events/" + event))
                .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"limit\":" + n + "}", UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("defining " + event + " failed: " + r.statusCode() + " " + r.body());
        }
        return new ShopBenchmark(ingressUrl, shopToken, jdbcUrl, dbUser, dbPassword, 64).apply(event, n);
    }

    private static boolean healthy(String ingressUrl) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ingressUrl + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
