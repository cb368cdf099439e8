package firstcome.ingress.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Tokens as a shop's sign-in would issue them, signed with real keys, and the JWKS files that publish them. */
final class ShopperTokens {

    static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private ShopperTokens() {
    }

    /** Claims valid at {@link #NOW} for an hour, for {@code sub}. */
    static JWTClaimsSet.Builder claims(String sub) {
        return new JWTClaimsSet.Builder().subject(sub).issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(3600)));
    }

    static String hs256(String secret, JWTClaimsSet claims) {
        return sign(new JWSHeader(JWSAlgorithm.HS256), claims, macSigner(secret.getBytes(StandardCharsets.UTF_8)));
    }

    static String hs256(JWTClaimsSet claims) {
        return hs256(SECRET, claims);
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims, new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String es256(ECKey key, JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims, new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Nimbus MAC signer for any key: keys under 32 bytes are zero-padded, as the verifier does. */
    static JWSSigner macSigner(byte[] key) {
        try {
            return new MACSigner(ShopperVerifier.hmacKey(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An HS256 token built by hand with the JDK's {@link Mac} over exactly {@code key} (no padding,
     * no JOSE library), the way any other HMAC implementation would sign it.
     */
    static String hs256WithJdkMac(byte[] key, String headerJson, String payloadJson) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String input = base64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        return input + "." + base64.encodeToString(hmacSha256(key, input.getBytes(StandardCharsets.US_ASCII)));
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public halves of {@code keys} as a JWKS file. */
    static Path writeJwks(Path file, List<? extends JWK> keys) {
        try {
            Files.writeString(file, new JWKSet(List.copyOf(keys)).toPublicJWKSet().toString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JWTClaimsSet with(String sub, UnaryOperator<JWTClaimsSet.Builder> change) {
        return change.apply(claims(sub)).build();
    }
}
