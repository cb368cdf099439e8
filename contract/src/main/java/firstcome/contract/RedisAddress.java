package firstcome.contract;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the gate's Redis is, read from the contract's {@code REDIS_URL} and {@code REDIS_CLUSTER}:
 * one server ({@code redis://[user:password@]host[:port][/db]}, {@code rediss://} for TLS), or, with
 * {@code REDIS_CLUSTER=true}, the seed nodes of a Redis Cluster, comma-separated after one scheme and
 * one set of credentials ({@code redis://[user:password@]h1:7000,h2:7001,h3:7002}). Every process that
 * connects to the gate (the ingress, the audit, the bench) reads it here, so each refuses a bad value
 * in the same words. Holds no client: each process builds its own from these parts.
 *
 * @param nodes    the server, or the cluster's seed nodes (any one that answers tells the client the rest)
 * @param user     the ACL user, if the URL names one
 * @param password the password, if the URL carries one (never in {@link #toString()})
 * @param tls      {@code rediss://}
 * @param database the database index; always 0 on a cluster
 * @param cluster  {@code REDIS_CLUSTER=true}
 */
public record RedisAddress(List<Node> nodes, Optional<String> user, Optional<String> password, boolean tls,
        int database, boolean cluster) {

    public static final String DEFAULT_URL = "redis://localhost:6379";
    public static final int DEFAULT_PORT = 6379;

    /** One server: a host name or address, and its port. */
    public record Node(String host, int port) {

        public Node {
            Environment.requireText("a Redis node's host", host);
            Environment.requirePort("a Redis node's port", port);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public RedisAddress {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("REDIS_URL must name at least one node");
        }
        if (!cluster && nodes.size() > 1) {
            throw new IllegalArgumentException("REDIS_URL names " + nodes.size() + " nodes (" + list(nodes)
                    + "), which only a Redis Cluster takes: set REDIS_CLUSTER=true, or name one server");
        }
        if (cluster && database != 0) {
            throw new IllegalArgumentException("REDIS_URL names database " + database
                    + ", but a Redis Cluster has only database 0 (REDIS_CLUSTER=true)");
        }
        if (database < 0) {
            throw new IllegalArgumentException("REDIS_URL's database must be 0 or more, was " + database);
        }
        user = user == null ? Optional.empty() : user;
        password = password == null ? Optional.empty() : password;
    }

    /** {@code REDIS_URL} (default {@value #DEFAULT_URL}) and {@code REDIS_CLUSTER} (default false). */
    public static RedisAddress fromEnv(Environment env) {
        return parse(env.text("REDIS_URL", DEFAULT_URL), env.flag("REDIS_CLUSTER", false));
    }

    /** Reads a {@code REDIS_URL}; {@code cluster}: several seed nodes are allowed. */
    public static RedisAddress parse(String url, boolean cluster) {
        String value = Objects.requireNonNull(url, "url").strip();
        int schemeEnd = value.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : value.substring(0, schemeEnd);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw refused(value, cluster, "it must start with redis:// or rediss://");
        }
        String rest = value.substring(schemeEnd + 3);
        // Everything before the last '@' may be credentials: no refusal below quotes any of it (the
        // value itself is shown redacted), so the host and path texts come only from after it.
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
        if (userInfo.contains("/") || userInfo.contains("?") || userInfo.contains("#")) {
            throw refused(value, cluster, "the credentials before '@' must percent-encode '/', '?' and '#' as %2F, %3F and %23");
        }
        String afterCredentials = rest.substring(at + 1);
        int pathStart = afterCredentials.indexOf('/');
        String hosts = pathStart < 0 ? afterCredentials : afterCredentials.substring(0, pathStart);
        String path = pathStart < 0 ? "" : afterCredentials.substring(pathStart);
        if (hosts.isBlank()) {
            throw refused(value, cluster, "it names no host");
        }
        List<Node> nodes = new ArrayList<>();
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int database = 0;
        for (String node : hosts.split(",", -1)) {
            if (node.isBlank()) {
                throw refused(value, cluster, "'' is not a host[:port]");
            }
            URI uri = uri(scheme + "://" + userInfo + node.strip() + (nodes.isEmpty() ? path : ""), value, cluster);
            if (uri.getHost() == null) {
                throw refused(value, cluster, "'" + node.strip() + "' is not a host[:port]");
            }
            if (uri.getQuery() != null || uri.getFragment() != null) {
                throw refused(value, cluster, "it must not carry a query or a fragment");
            }
            nodes.add(new Node(uri.getHost().replaceAll("^\\[|\\]$", ""), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort()));
            if (nodes.size() == 1) {
                if (uri.getUserInfo() != null) {
                    String[] parts = uri.getUserInfo().split(":", 2);
                    user = Optional.of(parts[0]).filter(name -> !name.isEmpty());
                    password = parts.length == 2 ? Optional.of(parts[1]) : Optional.empty();
                    if (parts.length < 2) {
                        throw refused(value, cluster, "credentials must be user:password@ or :password@");
                    }
                }
                database = database(uri.getPath(), value, cluster);
            }
        }
        if (new LinkedHashSet<>(nodes).size() < nodes.size()) {
            throw refused(value, cluster, "it names a node twice");
        }
        return new RedisAddress(nodes, user, password, scheme.equals("rediss"), database, cluster);
    }

    private static URI uri(String text, String value, boolean cluster) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw refused(value, cluster, e.getReason());
        }
    }

    private static int database(String path, String value, boolean cluster) {
        String index = path == null ? "" : path.replaceFirst("^/", "");
        if (index.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(index);
        } catch (NumberFormatException e) {
            throw refused(value, cluster, "the path must be a database number, was '/" + index + "'");
        }
    }

    private static IllegalArgumentException refused(String value, boolean cluster, String why) {
        String example = cluster ? "redis://host1:7000,host2:7001,host3:7002" : "redis://host:6379";
        return new IllegalArgumentException("REDIS_URL must be a URL like " + example + " (" + why + "), was '"
                + redacted(value) + "'");
    }

    /** A refused value may still carry a password: the message shows what comes after the last '@'. */
    private static String redacted(String value) {
        int at = value.lastIndexOf('@');
        int schemeEnd = value.indexOf("://");
        return at < 0 ? value : (schemeEnd < 0 ? "" : value.substring(0, schemeEnd + 3)) + "***@" + value.substring(at + 1);
    }

    /** The first node: the server itself when not a cluster. */
    public Node first() {
        return nodes.get(0);
    }

    /** Where it points, without credentials: {@code redis://h1:7000,h2:7001 (cluster)}. */
    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + list(nodes) + (database == 0 ? "" : "/" + database)
                + (cluster ? " (cluster)" : "");
    }

    private static String list(List<Node> nodes) {
        return nodes.stream().map(Node::toString).collect(Collectors.joining(","));
    }
}
