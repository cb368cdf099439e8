package firstcome.ingress.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import firstcome.contract.ActionType;
import firstcome.contract.CouponDecision;
import firstcome.contract.Ids;
import firstcome.contract.IssuingOutcome;
import firstcome.contract.Json;
import firstcome.ingress.ApiFixture;
import firstcome.ingress.App;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and malformed input against the real HTTP stack (Jetty + Javalin as {@link App#create}
 * builds it, over the in-memory gate and publisher), sent as raw bytes so nothing on the client
 * side tidies it up: every answer is a 2xx/3xx/4xx, every refusal has the contract's
 * {@code {"outcome","message"}} body, and a refused request never changes a count.
 */
class HostileInputTest {

    private static final String EVENT = "e1";
    private static final Set<Integer> APPLY_STATUSES = Set.of(202, 400, 409, 410, 413, 415, 431);
    /** The shop routes' answers when every action taken is decided in the coupon's favour (no 409/410 then). */
    private static final Set<Integer> SHOP_STATUSES = Set.of(200, 400, 401, 404, 405, 413, 415, 431);

    private static ApiFixture api;
    private static Javalin server;

    @BeforeContainer
    static void startTheIngress() {
        api = new ApiFixture();
        api.defineOpen(EVENT, 1_000_000);
        // The streams-processor's stand-in: every action written is decided at once, in the coupon's favour.
        api.decide = action -> Optional.of(new CouponDecision(action.actionId(), action.eventId(), action.userId(),
                switch (action.action()) {
                    case REDEEM -> IssuingOutcome.REDEEMED;
                    case UNREDEEM -> IssuingOutcome.ISSUED;
                    case RETURN -> IssuingOutcome.RETURNED;
                }, 1, action.receivedAt(), action.action(), action.action() == ActionType.REDEEM ? action.orderId() : null, null));
        server = api.app().start(0);
    }

    @AfterContainer
    static void stopTheIngress() {
        server.stop();
    }

    @Property(tries = 400)
    void answersEveryApplicationBodyWithinTheContractAndCountsOnlyAcceptedOnes(
            @ForAll("bodies") String body, @ForAll("contentTypes") String contentType) {
        long countBefore = api.gate.count(new EventId(EVENT));
        int recordsBefore = api.publisher.requests.size();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        Reply reply = send(head("POST", "/events/" + EVENT + "/applications",
                Map.of("Content-Type", contentType, "Content-Length", Integer.toString(bytes.length))), bytes).orElseThrow();

        assertThat(APPLY_STATUSES).as("status for %s", body).contains(reply.status);
        if (reply.status == 202) {
            assertThat(reply.json().get("outcome").asText()).isEqualTo("ACCEPTED");
            assertThat(api.gate.count(new EventId(EVENT))).isEqualTo(countBefore + 1);
            assertThat(api.publisher.requests).hasSize(recordsBefore + 1);
        } else {
            reply.assertContractProblem();
            assertThat(api.gate.count(new EventId(EVENT))).as("a refusal counts nothing").isEqualTo(countBefore);
            assertThat(api.publisher.requests).hasSize(recordsBefore);
        }
    }

    @Property(tries = 400)
    void answersAnyMethodOnAnyPathWithoutA5xx(@ForAll("methods") String method, @ForAll("paths") String path) {
        long countBefore = api.gate.count(new EventId(EVENT));
        int recordsBefore = api.publisher.requests.size();

        Optional<Reply> reply = send(head(method, path, Map.of("Content-Type", "application/json", "Content-Length", "2")),
                "{}".getBytes(StandardCharsets.UTF_8));

        reply.ifPresent(r -> {
            assertThat(r.status).as("%s %s", method, path).isBetween(200, 499);
            if (r.status >= 400 && !method.equals("HEAD")) {
                r.assertContractProblem();
            }
        });
        assertThat(api.gate.count(new EventId(EVENT))).isEqualTo(countBefore);
        assertThat(api.publisher.requests).hasSize(recordsBefore);
    }

    @Property(tries = 300)
    void answersHostileHeadersWithoutA5xx(@ForAll("headerLists") List<String> headers) {
        StringBuilder request = new StringBuilder("POST /events/" + EVENT + "/applications HTTP/1.1\r\nHost: localhost\r\n");
        headers.forEach(header -> request.append(header).append("\r\n"));
        request.append("Connection: close\r\n\r\n{\"userId\":\"header-fuzz\"}");

        send(request.toString().getBytes(StandardCharsets.UTF_8)).ifPresent(reply -> {
            assertThat(reply.status).as("headers %s", headers).isBetween(200, 499);
            if (reply.status >= 400) {
                reply.assertContractProblem();
            }
        });
    }

    @Property(tries = 300)
    void answersRawGarbageWithoutA5xx(@ForAll @Size(max = 3000) byte[] garbage) {
        send(garbage).ifPresent(reply -> {
            assertThat(reply.status).isBetween(200, 499);
            if (reply.status >= 400) {
                reply.assertContractProblem();
            }
        });
    }

    @Property(tries = 300)
    void neverStoresADefinitionItRefused(@ForAll("eventIds") String eventId, @ForAll("tokens") String token,
            @ForAll("definitionBodies") String body) {
        int definitionsBefore = api.publisher.definitions.size();
        int eventsBefore = api.catalog.size();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        Reply reply = send(head("PUT", "/admin/events/" + eventId, Map.of("Authorization", token,
                "Content-Type", "application/json", "Content-Length", Integer.toString(bytes.length))), bytes).orElseThrow();

        assertThat(reply.status).isBetween(200, 499);
        if (reply.status != 200) {
            reply.assertContractProblem();
            assertThat(api.publisher.definitions).hasSize(definitionsBefore);
            assertThat(api.catalog.size()).isEqualTo(eventsBefore);
        }
        if (!token.equals("Bearer " + ApiFixture.TOKEN)) {
            assertThat(reply.status).as("a wrong token never passes").isNotEqualTo(200);
            if (Ids.isValid(eventId) && token.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                assertThat(reply.status).as("a well-formed call with a wrong token").isEqualTo(401);
            }
        }
    }

    @Property(tries = 400)
    void answersEveryShopCallWithinTheContractAndWritesOnlyTheActionsItTook(@ForAll("shopPaths") String path,
            @ForAll("shopTokens") String token, @ForAll("shopBodies") String body, @ForAll("contentTypes") String contentType) {
        int actionsBefore = api.publisher.actions.size();
        long countBefore = api.gate.count(new EventId(EVENT));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        Optional<Reply> answered = send(head("POST", path, Map.of("Authorization", token, "Content-Type", contentType,
                "Content-Length", Integer.toString(bytes.length))), bytes);

        Reply reply = answered.orElseThrow();
        assertThat(SHOP_STATUSES).as("status for %s %s %s", path, token, body).contains(reply.status);
        Statistics.label("shop status").collect(reply.status);
        Statistics.label("shop status").coverage(coverage -> {
            coverage.check(200).count(taken -> taken > 0);
            coverage.check(400).count(refused -> refused > 0);
            coverage.check(401).count(refused -> refused > 0);
        });
        if (reply.status == 200) {
            assertThat(reply.json().get("outcome").asText()).isIn("REDEEMED", "ISSUED", "RETURNED");
            assertThat(api.publisher.actions).hasSize(actionsBefore + 1);
            assertThat(token).as("only the shop token opens the shop routes").isEqualTo("Bearer " + ApiFixture.SHOP_TOKEN);
        } else {
            reply.assertContractProblem();
            assertThat(api.publisher.actions).as("a refusal writes nothing").hasSize(actionsBefore);
        }
        assertThat(api.gate.count(new EventId(EVENT))).as("an action never counts at the gate").isEqualTo(countBefore);
        assertThat(api.actions.size()).as("no call is left waiting").isZero();
    }

    @Example
    void answersAnIllegalHeaderByteWithTheContractBodyWhateverTheMethod() {
        for (String method : List.of("PUT", "DELETE", "PATCH", "POST", "GET")) {
            byte[] request = (method + " /admin/events/a HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \u0001\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);

            Reply reply = send(request).orElseThrow();

            assertThat(reply.status).as(method).isEqualTo(400);
            reply.assertContractProblem();
        }
    }

    @Example
    void refusesJsonNestedDeeperThanTheParserAllowsWithA400() {
        String deep = "{\"userId\":" + "[".repeat(2000) + "]".repeat(2000) + "}";

        Reply reply = send(head("POST", "/events/" + EVENT + "/applications",
                Map.of("Content-Type", "application/json", "Content-Length", Integer.toString(deep.length()))),
                deep.getBytes(StandardCharsets.UTF_8)).orElseThrow();

        assertThat(reply.status).isEqualTo(400);
        reply.assertContractProblem();
    }

    @Example
    void refusesAChunkedBodyOverTheCapWith413() {
        String chunk = "x".repeat(3000);
        String body = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";

        Reply reply = send(head("POST", "/events/" + EVENT + "/applications",
                Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked")),
                body.getBytes(StandardCharsets.UTF_8)).orElseThrow();

        assertThat(reply.status).isEqualTo(413);
        reply.assertContractProblem();
    }

    @Example
    void refusesIdsMadeOnlyOfDotsWith400AndCountsNothing() {
        for (String dots : List.of(".", "..", "...")) {
            long countBefore = api.gate.count(new EventId(EVENT));
            int recordsBefore = api.publisher.requests.size();
            byte[] body = ("{\"userId\":\"" + dots + "\"}").getBytes(StandardCharsets.UTF_8);

            Reply apply = send(head("POST", "/events/" + EVENT + "/applications",
                    Map.of("Content-Type", "application/json", "Content-Length", Integer.toString(body.length))), body).orElseThrow();
            Reply status = send(head("GET", "/events/" + EVENT + "/applications/" + dots.replace(".", "%2E"), Map.of()), new byte[0])
                    .orElseThrow();

            assertThat(apply.status).as("apply as %s", dots).isEqualTo(400);
            apply.assertContractProblem();
            assertThat(apply.json().get("message").asText()).contains("not only dots");
            assertThat(status.status).as("status of %s", dots).isEqualTo(400);
            status.assertContractProblem();
            assertThat(api.gate.count(new EventId(EVENT))).isEqualTo(countBefore);
            assertThat(api.publisher.requests).hasSize(recordsBefore);
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> ids = Arbitraries.strings().withChars("ABCxyz019_.:@-").ofMinLength(1).ofMaxLength(64);
        Arbitrary<String> longIds = Arbitraries.strings().withChars("abc").ofMinLength(65).ofMaxLength(5000);
        Arbitrary<String> unicode = Arbitraries.strings().all().ofMaxLength(80);
        Arbitrary<String> values = Arbitraries.oneOf(
                ids.map(HostileInputTest::quoted),
                longIds.map(HostileInputTest::quoted),
                unicode.map(HostileInputTest::quoted),
                Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(80)).map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "[]", "{}", "[\"a\"]", "{\"id\":\"a\"}", "1e999999", "-0", "\"\"",
                        "\"\\u0000\"", "\"a\\nb\"", "\"\\ud800\"", "NaN", "Infinity", "0x10", "'single'"));
        Arbitrary<String> objects = Combinators.combine(Arbitraries.of("userId", "userid", "USERID", "user", ""), values,
                Arbitraries.of("", ",\"extra\":1", ",\"userId\":\"second\"", ",\"pad\":\"" + "p".repeat(4000) + "\""))
                .as((key, value, rest) -> "{\"" + key + "\":" + value + rest + "}");
        Arbitrary<String> nested = Arbitraries.integers().between(1, 3000)
                .map(depth -> "{\"userId\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
        Arbitrary<String> broken = objects.flatMap(json -> Arbitraries.integers().between(0, json.length())
                .map(cut -> json.substring(0, cut)));
        return Arbitraries.frequencyOf(
                Tuple.of(5, objects),
                Tuple.of(1, nested),
                Tuple.of(2, broken),
                Tuple.of(1, unicode),
                Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(6000)),
                Tuple.of(1, Arbitraries.of("", "[]", "null", "42", "\"a\"", "{}{}", "{\"userId\":\"a\"} x")));
    }

    @Provide
    Arbitrary<String> shopPaths() {
        Arbitrary<String> event = Arbitraries.oneOf(Arbitraries.just(EVENT).injectDuplicates(0.5), eventIds(),
                Arbitraries.of("%2e%2e", ".", "", "%00"));
        Arbitrary<String> user = Arbitraries.oneOf(
                Arbitraries.strings().withChars("ABCxyz019_.:@-").ofMinLength(1).ofMaxLength(64),
                Arbitraries.strings().withChars("u").ofMinLength(65).ofMaxLength(400),
                Arbitraries.strings().all().ofMaxLength(10).map(HostileInputTest::percentEncoded),
                Arbitraries.of("..", "%2E", "", "u-1;x=1"));
        Arbitrary<String> route = Arbitraries.oneOf(Arbitraries.of("redeem", "unredeem", "return").injectDuplicates(0.8),
                Arbitraries.of("REDEEM", "", "redeem/", "return/x", "cancel"));
        return Combinators.combine(event, user, route)
                .as((e, u, r) -> "/shop/events/" + e + "/coupons/" + u + "/" + r)
                .flatMap(path -> Arbitraries.of("", "?orderId=o-1", "#frag").map(path::concat));
    }

    @Provide
    Arbitrary<String> shopTokens() {
        return Arbitraries.oneOf(
                Arbitraries.just("Bearer " + ApiFixture.SHOP_TOKEN).injectDuplicates(0.6),
                Arbitraries.of("", "Bearer " + ApiFixture.TOKEN, "Bearer", "Basic " + ApiFixture.SHOP_TOKEN,
                        "Bearer " + ApiFixture.SHOP_TOKEN + "x", "bearer " + ApiFixture.SHOP_TOKEN.substring(1)),
                Arbitraries.strings().ascii().ofMaxLength(100).map(text -> "Bearer " + text.replaceAll("[\r\n]", "")));
    }

    @Provide
    Arbitrary<String> shopBodies() {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().withChars("ABCxyz019_.:@-").ofMinLength(1).ofMaxLength(64).map(HostileInputTest::quoted),
                Arbitraries.strings().withChars("r").ofMinLength(190).ofMaxLength(210).map(HostileInputTest::quoted),
                Arbitraries.strings().all().ofMaxLength(80).map(HostileInputTest::quoted),
                Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(80)).map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("true", "null", "[]", "{}", "\"\"", "\"..\"", "\"\\u0000\"", "1e999999", "NaN"));
        Arbitrary<String> objects = Combinators.combine(Arbitraries.of("orderId", "reason", "orderid", "userId", ""), values,
                Arbitraries.of("", ",\"reason\":\"lost\"", ",\"orderId\":\"o-2\"", ",\"extra\":[1,2]",
                        ",\"pad\":\"" + "p".repeat(4100) + "\""))
                .as((key, value, rest) -> "{\"" + key + "\":" + value + rest + "}");
        return Arbitraries.frequencyOf(
                Tuple.of(6, objects),
                Tuple.of(1, Arbitraries.of("{}", "", "[]", "null", "{\"orderId\":\"o-1\"} x", "{\"orderId\":")),
                Tuple.of(2, bodies()));
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.oneOf(
                Arbitraries.of("application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                        "application/json;;;", "application/json; charset=\"latin1\"").injectDuplicates(0.5),
                Arbitraries.of("text/plain", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                        "application/jsonp", "*/*", "application/json\u00ff"),
                Arbitraries.strings().ascii().ofMaxLength(200).map(text -> text.replaceAll("[\r\n]", "")));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.oneOf(
                Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND"),
                Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(20));
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of("events", EVENT, "applications", "admin", "u1", "health", "metrics", "assets", "e",
                        "featured-event", "..", ".", "%2e%2e", "%00", "%zz", "%C3%BC", "%2F", "a%20b", ";x=1", "", "*",
                        "stats", "event.js", "..%2f..%2fetc%2fpasswd"),
                Arbitraries.strings().withChars("abcXYZ019_.:@-").ofMaxLength(80),
                Arbitraries.strings().withChars("a").ofMinLength(500).ofMaxLength(3000),
                Arbitraries.strings().all().ofMaxLength(10).map(HostileInputTest::percentEncoded));
        return segment.list().ofMaxSize(6).map(segments -> "/" + String.join("/", segments))
                .flatMap(path -> Arbitraries.of("", "?", "?a=b", "?userId=x&&", "#frag").map(path::concat));
    }

    @Provide
    Arbitrary<List<String>> headerLists() {
        Arbitrary<String> name = Arbitraries.oneOf(
                Arbitraries.of("X-Test", "Content-Length", "Transfer-Encoding", "Content-Type", "Expect", "Host",
                        "Authorization", "X-Forwarded-For", "Cookie", "Connection", "Upgrade"),
                Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(40).map(text -> text.replaceAll("[\r\n:]", "")));
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("application/json", "chunked", "100-continue", "-1", "abc", "99999999999999999999", "0",
                        "gzip, chunked", "websocket", "close", "a=b; c=d"),
                Arbitraries.strings().ascii().ofMaxLength(100).map(text -> text.replaceAll("[\r\n]", "")),
                Arbitraries.strings().withChars("v").ofMinLength(1000).ofMaxLength(9000),
                Arbitraries.strings().all().ofMaxLength(30).map(text -> text.replaceAll("[\r\n]", "")));
        return Combinators.combine(name, value).as((n, v) -> n + ": " + v).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<String> eventIds() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abc019_.:@-").ofMinLength(1).ofMaxLength(64),
                Arbitraries.strings().withChars("z").ofMinLength(65).ofMaxLength(300),
                Arbitraries.strings().all().ofMaxLength(10).map(HostileInputTest::percentEncoded));
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.oneOf(
                Arbitraries.just("Bearer " + ApiFixture.TOKEN),
                Arbitraries.of("", "Bearer", "Bearer ", "bearer " + ApiFixture.TOKEN + "x", "Basic " + ApiFixture.TOKEN,
                        "Bearer " + ApiFixture.TOKEN.substring(1), "Bearer " + ApiFixture.TOKEN.toUpperCase(Locale.ROOT)),
                Arbitraries.strings().ascii().ofMaxLength(200).map(text -> "Bearer " + text.replaceAll("[\r\n]", "")));
    }

    @Provide
    Arbitrary<String> definitionBodies() {
        Arbitrary<String> limit = Arbitraries.oneOf(Arbitraries.integers().map(String::valueOf),
                Arbitraries.of("1", "10000000", "10000001", "0", "-1", "1.5", "\"5\"", "null", "[]", "1e3", "99999999999999999999"));
        Arbitrary<String> instant = Arbitraries.of("\"2026-11-24T10:00:00Z\"", "\"2026-11-24T12:00:00+02:00\"", "\"yesterday\"",
                "\"2026-13-45T99:00:00Z\"", "0", "null", "\"\"", "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"");
        return Arbitraries.oneOf(
                Combinators.combine(limit, instant, instant)
                        .as((l, opens, closes) -> "{\"limit\":" + l + ",\"opensAt\":" + opens + ",\"closesAt\":" + closes + "}"),
                bodies());
    }

    // ---- raw HTTP ----

    private static String quoted(String text) {
        try {
            return Json.mapper().writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String percentEncoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(String.format("%02X", b & 0xff));
        }
        return out.toString();
    }

    private static byte[] head(String method, String path, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        new TreeMap<>(headers).forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<Reply> send(byte[] head, byte[] body) {
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return send(request);
    }

    /** Sends the bytes, ends the sending side, reads until the server closes; empty when it said nothing. */
    private static Optional<Reply> send(byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (SocketException refusedMidway) {
                // The server answered and closed before taking everything (e.g. 413, 431): read the answer.
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                in.transferTo(answer);
            } catch (SocketException reset) {
                // What arrived before a reset still counts.
            }
            return Reply.parse(answer.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("talking to the ingress failed", e);
        }
    }

    private record Reply(int status, Map<String, String> headers, String body) {

        static Optional<Reply> parse(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            if (text.isEmpty()) {
                return Optional.empty();
            }
            assertThat(text).as("an HTTP answer").startsWith("HTTP/1.1 ");
            int headEnd = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
            }
            String body = text.substring(headEnd + 4);
            if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
                body = dechunked(body);
            }
            return Optional.of(new Reply(status, headers,
                    new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)));
        }

        private static String dechunked(String chunked) {
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = chunked.indexOf("\r\n", at);
                int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
                if (size == 0) {
                    return out.toString();
                }
                out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
        }

        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        void assertContractProblem() {
            assertThat(headers.getOrDefault("Content-Type", "")).as("content type of HTTP %s", status).startsWith("application/json");
            JsonNode problem = json();
            assertThat(problem.path("outcome").asText()).as("outcome of %s", body).isNotBlank();
            assertThat(problem.path("message").asText()).as("message of %s", body).isNotBlank();
            assertThat(problem.size()).as("exactly outcome and message: %s", body).isEqualTo(2);
        }
    }
}
