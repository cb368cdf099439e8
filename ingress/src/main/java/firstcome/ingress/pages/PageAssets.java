package firstcome.ingress.pages;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pages' static files (plain HTML, CSS and JavaScript from {@code /public} on the class path, and
 * the API's OpenAPI description),
 * read once at start and served from memory with a strong ETag, so a page load costs no disk and no
 * I/O beyond the socket. Pages are revalidated on every load ({@code no-cache}, then 304); the
 * files they reference carry their content hash ({@code ?v=}) and are cached for a year.
 */
final class PageAssets {

    static final List<String> FILES = List.of("openapi.json", "firstcome.css", "event.js", "admin.js", "event.html", "admin.html");

    private static final String REVALIDATE = "no-cache";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Everything the pages load comes from this origin; no inline script or style. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** One file as served: its bytes, type and content hash. */
    record Asset(String name, byte[] bytes, String contentType, String hash) {

        String etag() {
            return "\"" + hash + "\"";
        }

        boolean isPage() {
            return name.endsWith(".html");
        }
    }

    private final Map<String, Asset> assets;

    private PageAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /**
     * Reads {@link #FILES} from {@code directory} on the class path. Files are read in list order,
     * pages last, so that a page's references to the others can be stamped with their hashes.
     */
    static PageAssets fromClasspath(String directory) {
        Map<String, Asset> assets = new LinkedHashMap<>();
        for (String name : FILES) {
            String text = read(directory + "/" + name);
            if (name.endsWith(".html")) {
                for (Asset referenced : assets.values()) {
                    text = text.replace("/assets/" + referenced.name() + "\"",
                            "/assets/" + referenced.name() + "?v=" + referenced.hash() + "\"");
                }
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assets.put(name, new Asset(name, bytes, contentType(name), hash(bytes)));
        }
        return new PageAssets(Map.copyOf(assets));
    }

    Optional<Asset> find(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /**
     * Writes the file, or 304 when the client's copy is current. A referenced file asked for with
     * its current hash may be cached for good; asked for otherwise (an old page), it is revalidated.
     */
    void serve(Context ctx, Asset asset) {
        boolean versioned = asset.hash().equals(ctx.queryParam("v"));
        ctx.header("ETag", asset.etag());
        ctx.header("Cache-Control", !asset.isPage() && versioned ? IMMUTABLE : REVALIDATE);
        ctx.header("X-Content-Type-Options", "nosniff");
        if (asset.isPage()) {
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.header("Referrer-Policy", "no-referrer");
        }
        if (matches(ctx.header("If-None-Match"), asset.etag())) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType(asset.contentType()).result(asset.bytes());
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String read(String resource) {
        try (InputStream in = PageAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".json")) {
            return "application/json";
        }
        throw new IllegalArgumentException("no content type known for " + name);
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
