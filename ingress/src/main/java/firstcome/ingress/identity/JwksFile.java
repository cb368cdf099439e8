package firstcome.ingress.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of the shop's JWKS file ({@code SHOPPER_JWT_JWKS}), re-read when the file's
 * modification time or size changes, looked at no more than once per {@link #CHECK_EVERY}, so the
 * shop rotates keys without a restart. A version of the file that cannot be read or parsed, or holds
 * no RSA or EC key, leaves the last good keys in use and is warned about once. The file is parsed once
 * per change, never per token.
 */
final class JwksFile implements JWKSource<SecurityContext> {

    static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(JwksFile.class);

    private final Path path;
    private final Clock clock;
    private volatile Keys keys;
    private volatile Instant nextCheck;
    /** The last version of the file that was refused, warned about once. */
    private Stamp refused;

    private JwksFile(Path path, Clock clock, Keys keys) {
        this.path = path;
        this.clock = clock;
        this.keys = keys;
        this.nextCheck = clock.instant().plus(CHECK_EVERY);
    }

    /** Reads the file once; a file that cannot be used at start is a configuration error naming it. */
    static JwksFile open(Path path, Clock clock) {
        try {
            return new JwksFile(path, clock, load(path));
        } catch (IOException | ParseException | IllegalStateException e) {
            throw new IllegalArgumentException("SHOPPER_JWT_JWKS must name a readable JWKS file of RSA or EC public keys,"
                    + " was '" + path + "': " + e.getMessage(), e);
        }
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        refreshIfDue();
        return selector.select(keys.set());
    }

    /** The key ids in use, for the log and tests. */
    List<String> keyIds() {
        refreshIfDue();
        return keys.set().getKeys().stream().map(key -> Objects.requireNonNullElse(key.getKeyID(), "(no kid)")).toList();
    }

    private void refreshIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return;
        }
        synchronized (this) {
            if (now.isBefore(nextCheck)) {
                return;
            }
            nextCheck = now.plus(CHECK_EVERY);
            Stamp stamp;
            try {
                stamp = Stamp.of(path);
            } catch (IOException e) {
                refuse(Stamp.MISSING, "cannot be read (" + e + ")");
                return;
            }
            if (stamp.equals(keys.stamp()) || stamp.equals(refused)) {
                return;
            }
            try {
                Keys fresh = load(path);
                keys = fresh;
                refused = null;
                log.info("SHOPPER_JWT_JWKS {} re-read: keys {}", path,
                        fresh.set().getKeys().stream().map(JWK::getKeyID).toList());
            } catch (IOException | ParseException | IllegalStateException e) {
                refuse(stamp, "cannot be used (" + e.getMessage() + ")");
            }
        }
    }

    private void refuse(Stamp stamp, String why) {
        if (!stamp.equals(refused)) {
            refused = stamp;
            log.warn("SHOPPER_JWT_JWKS {} {}: the keys read before stay in use", path, why);
        }
    }

    private static Keys load(Path path) throws IOException, ParseException {
        // The stamp first: a change while reading makes the next check read again.
        Stamp stamp = Stamp.of(path);
        JWKSet publicKeys = JWKSet.parse(Files.readString(path)).toPublicJWKSet();
        List<JWK> usable = publicKeys.getKeys().stream()
                .filter(key -> KeyType.RSA.equals(key.getKeyType()) || KeyType.EC.equals(key.getKeyType()))
                .toList();
        if (usable.isEmpty()) {
            throw new IllegalStateException("it holds no RSA or EC public key");
        }
        return new Keys(new JWKSet(usable), stamp);
    }

    private record Keys(JWKSet set, Stamp stamp) {
    }

    private record Stamp(FileTime modified, long size) {

        static final Stamp MISSING = new Stamp(FileTime.fromMillis(0), -1);

        static Stamp of(Path path) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size());
        }
    }
}
