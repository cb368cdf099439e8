package firstcome.ingress.identity;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The cost of one verification on the request thread, per kind of key: not a test (no timing is
 * asserted anywhere), a measurement to run by hand next to the accept path's figures in
 * BENCHMARKS.md. From the repository root, after {@code mvn -pl ingress -am test-compile}:
 * <pre>
 * mvn -q -pl ingress dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test > cp.txt
 * java -cp ingress/target/test-classes:ingress/target/classes:contract/target/classes:$(cat cp.txt) \
 *      firstcome.ingress.identity.VerificationCost [seconds per kind, default 5]
 * </pre>
 * It prints, per kind (HS256, RS256 2048, ES256 P-256), verifications per second on one thread and
 * the mean microseconds per verification of a valid token, after a warm-up of the same length.
 */
public final class VerificationCost {

    private VerificationCost() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        Instant now = Instant.now();
        RSAKey rsa = ShopperTokens.rsaKey("rsa-1");
        ECKey ec = ShopperTokens.ecKey("ec-1");
        Path dir = Files.createTempDirectory("verification-cost");
        Path jwks = ShopperTokens.writeJwks(dir.resolve("jwks.json"), List.of(rsa, ec));
        try {
            ShopperVerifier bySecret = ShopperVerifier.create(new ShopperIdentityConfig(Optional.of(ShopperTokens.SECRET),
                    Optional.empty(), Optional.empty(), Optional.empty()), Clock.systemUTC()).orElseThrow();
            ShopperVerifier byJwks = ShopperVerifier.create(new ShopperIdentityConfig(Optional.empty(), Optional.of(jwks),
                    Optional.empty(), Optional.empty()), Clock.systemUTC()).orElseThrow();
            var claims = ShopperTokens.claims("alice").issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plusSeconds(3600))).claim("tier", "gold").build();
            measure("HS256", bySecret, ShopperTokens.hs256(claims), seconds);
            measure("RS256", byJwks, ShopperTokens.rs256(rsa, claims), seconds);
            measure("ES256", byJwks, ShopperTokens.es256(ec, claims), seconds);
        } finally {
            Files.deleteIfExists(jwks);
            Files.deleteIfExists(dir);
        }
    }

    private static void measure(String kind, ShopperVerifier verifier, String token, long seconds) {
        run(kind, verifier, token, seconds); // warm-up
        long start = System.nanoTime();
        long count = run(kind, verifier, token, seconds);
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: %,.0f verifications/s on one thread, %.1f µs each%n", kind, count / elapsed, elapsed * 1e6 / count);
    }

    private static long run(String kind, ShopperVerifier verifier, String token, long seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long count = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                if (verifier.verifyToken(token).shopper().isEmpty()) {
                    throw new IllegalStateException(kind + ": a valid token was refused");
                }
            }
            count += 100;
        }
        return count;
    }
}
