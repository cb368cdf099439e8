package firstcome.ingress.identity;

import firstcome.contract.Environment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How shoppers prove who they are (docs/identities.md): off, HS256 with a shared secret
 * ({@code SHOPPER_JWT_SECRET}), or RS256 / ES256 with the public keys of a JWKS file
 * ({@code SHOPPER_JWT_JWKS}); {@code SHOPPER_JWT_ISSUER} / {@code SHOPPER_JWT_AUDIENCE} pin
 * {@code iss} / {@code aud} when set. The secret is never logged, never in {@link #toString()}.
 *
 * @param secret   the HS256 secret (its UTF-8 bytes sign and verify)
 * @param jwks     the JWKS file of RS256 / ES256 public keys
 * @param issuer   the exact {@code iss} a token must carry
 * @param audience the value a token's {@code aud} must be or contain
 */
public record ShopperIdentityConfig(Optional<String> secret, Optional<Path> jwks, Optional<String> issuer,
        Optional<String> audience) {

    /** RFC 7518 §3.2: an HS256 key of at least 256 bits. Shorter ones are accepted with a warning. */
    public static final int RECOMMENDED_SECRET_BYTES = 32;

    /** Identities off: the public routes trust the {@code userId} they are given. */
    public static final ShopperIdentityConfig OFF =
            new ShopperIdentityConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public static ShopperIdentityConfig fromEnv(Environment settings) {
        return new ShopperIdentityConfig(
                settings.text("SHOPPER_JWT_SECRET"),
                settings.text("SHOPPER_JWT_JWKS").map(ShopperIdentityConfig::path),
                settings.text("SHOPPER_JWT_ISSUER"),
                settings.text("SHOPPER_JWT_AUDIENCE"));
    }

    public ShopperIdentityConfig {
        secret = secret == null ? Optional.empty() : secret.filter(value -> !value.isBlank());
        jwks = jwks == null ? Optional.empty() : jwks;
        issuer = issuer == null ? Optional.empty() : issuer.map(String::strip).filter(value -> !value.isEmpty());
        audience = audience == null ? Optional.empty() : audience.map(String::strip).filter(value -> !value.isEmpty());
        if (secret.isPresent() && jwks.isPresent()) {
            throw new IllegalArgumentException("SHOPPER_JWT_SECRET and SHOPPER_JWT_JWKS are both set: set one of them"
                    + " (a shared HS256 secret, or a JWKS file of RS256 / ES256 public keys)");
        }
        if (secret.isEmpty() && jwks.isEmpty()) {
            if (issuer.isPresent()) {
                throw new IllegalArgumentException("SHOPPER_JWT_ISSUER is set but shopper identities are off:"
                        + " set SHOPPER_JWT_SECRET or SHOPPER_JWT_JWKS too, or unset SHOPPER_JWT_ISSUER");
            }
            if (audience.isPresent()) {
                throw new IllegalArgumentException("SHOPPER_JWT_AUDIENCE is set but shopper identities are off:"
                        + " set SHOPPER_JWT_SECRET or SHOPPER_JWT_JWKS too, or unset SHOPPER_JWT_AUDIENCE");
            }
        }
        jwks.ifPresent(file -> {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException("SHOPPER_JWT_JWKS must name a readable JWKS file, was '" + file + "'");
            }
        });
    }

    /** Whether the apply and status routes require a signed identity. */
    public boolean enabled() {
        return secret.isPresent() || jwks.isPresent();
    }

    /** A secret shorter than {@link #RECOMMENDED_SECRET_BYTES}: accepted, zero-padded, warned about at start. */
    public boolean shortSecret() {
        return secret.map(value -> value.getBytes(StandardCharsets.UTF_8).length < RECOMMENDED_SECRET_BYTES).orElse(false);
    }

    @Override
    public String toString() {
        if (!enabled()) {
            return "shopperIdentity=(off: the public routes trust the userId they are given)";
        }
        String keys = secret.isPresent()
                ? "HS256 with SHOPPER_JWT_SECRET (set" + (shortSecret() ? ", shorter than 32 bytes" : "") + ")"
                : "RS256/ES256 with the keys of " + jwks.get();
        return "shopperIdentity=" + keys
                + issuer.map(value -> ", issuer=" + value).orElse("")
                + audience.map(value -> ", audience=" + value).orElse("");
    }

    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("SHOPPER_JWT_JWKS must name a readable JWKS file, was '" + value + "'", e);
        }
    }
}
