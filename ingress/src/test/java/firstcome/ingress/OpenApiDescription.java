package firstcome.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import firstcome.contract.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The ingress's OpenAPI 3.1 description ({@code public/openapi.json}, served at {@code GET /openapi.json}),
 * read by swagger-parser, and the check of a real answer against it: the path and method are described,
 * the status is one of the operation's answers, the described headers are there with valid values, the
 * content type is a described one, and a JSON body is valid against its schema (networknt's JSON Schema
 * validator with the OpenAPI 3.1 dialect, the description's {@code $ref}s resolved in the document).
 * A failure names the request, the answer and every violation.
 */
public final class OpenApiDescription {

    /** Where the description is on the class path. */
    public static final String RESOURCE = "/public/openapi.json";
    /** The document's base IRI for the schema validator: a name only, nothing is fetched from it. */
    private static final String BASE = "https://firstcome.invalid/openapi.json";

    public final String text;
    public final SwaggerParseResult parsed;
    /** The document as a tree, for the pointers into it. */
    private final JsonNode tree;
    private final OpenAPI api;
    private final SchemaRegistry schemas;
    private final Map<String, Schema> loaded = new ConcurrentHashMap<>();
    /** Every "METHOD /path" an answer was checked against. */
    private final Set<String> exercised = ConcurrentHashMap.newKeySet();
    /** Every "METHOD /path status" an answer was checked against. */
    private final Set<String> answered = ConcurrentHashMap.newKeySet();

    private OpenApiDescription(String text) {
        this.text = text;
        ParseOptions options = new ParseOptions();
        options.setResolve(false);
        this.parsed = new OpenAPIV3Parser().readContents(text, null, options);
        this.api = parsed.getOpenAPI();
        if (api == null) {
            throw new IllegalStateException(RESOURCE + " is not an OpenAPI document: " + parsed.getMessages());
        }
        try {
            this.tree = Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(RESOURCE + " is not JSON", e);
        }
        this.schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), builder -> builder.schemas(Map.of(BASE, text)));
    }

    public static OpenApiDescription fromClasspath() {
        try (InputStream in = OpenApiDescription.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new OpenApiDescription(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public OpenAPI api() {
        return api;
    }

    /** Every operation of the description, as "METHOD /path". */
    public Set<String> operations() {
        Set<String> all = new LinkedHashSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> all.add(method.name() + " " + path)));
        return all;
    }

    /** Every described answer, as "METHOD /path status". */
    public Set<String> describedAnswers() {
        Set<String> all = new LinkedHashSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                operation.getResponses().keySet().forEach(code -> all.add(method.name() + " " + path + " " + code))));
        return all;
    }

    /** The operations some answer was checked against, as "METHOD /path". */
    public Set<String> exercised() {
        return Set.copyOf(exercised);
    }

    /** The answers checked, as "METHOD /path status". */
    public Set<String> answered() {
        return Set.copyOf(answered);
    }

    /**
     * The violations of the description by {@code response} to {@code method} on {@code requestPath}
     * (without the query); empty when it conforms.
     */
    public List<String> violations(String method, String requestPath, HttpResponse<String> response) {
        return violations(method, requestPath, response.statusCode(), response.headers().map(), response.body());
    }

    public List<String> violations(String method, String requestPath, int status, Map<String, List<String>> headers, String body) {
        List<String> violations = new ArrayList<>();
        Optional<String> template = template(requestPath);
        if (template.isEmpty()) {
            violations.add("no path of the description matches " + requestPath);
            return violations;
        }
        String path = template.get();
        PathItem.HttpMethod httpMethod = PathItem.HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
        Operation operation = api.getPaths().get(path).readOperationsMap().get(httpMethod);
        if (operation == null) {
            violations.add("the description has no " + httpMethod + " on " + path);
            return violations;
        }
        exercised.add(httpMethod + " " + path);
        String code = Integer.toString(status);
        String responsePointer = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + code;
        if (operation.getResponses() == null || !operation.getResponses().containsKey(code)) {
            violations.add("status " + status + " is not among the described answers of " + httpMethod + " " + path + " ("
                    + (operation.getResponses() == null ? "none" : String.join(", ", operation.getResponses().keySet())) + ")");
            return violations;
        }
        answered.add(httpMethod + " " + path + " " + code);
        JsonNode responseNode = resolved(node(responsePointer));
        String pointer = pointerOf(responsePointer);

        JsonNode described = responseNode.path("headers");
        described.fieldNames().forEachRemaining(name -> {
            JsonNode header = resolved(described.get(name));
            String headerPointer = pointerOf(pointer + "/headers/" + escape(name));
            List<String> values = header(headers, name);
            if (values.isEmpty()) {
                if (header.path("required").asBoolean(false)) {
                    violations.add("the required header " + name + " is missing");
                }
                return;
            }
            for (String value : values) {
                schema(headerPointer + "/schema").validate("\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"", InputFormat.JSON)
                        .forEach(error -> violations.add("header " + name + ": " + describe(error)));
            }
        });

        JsonNode content = responseNode.path("content");
        List<String> contentTypes = header(headers, "Content-Type");
        String mediaType = contentTypes.isEmpty() ? null : contentTypes.get(0).split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (content.isMissingNode() || content.isEmpty()) {
            if (body != null && !body.isEmpty()) {
                violations.add("the description has no body for " + status + ", the answer has one: " + abbreviated(body));
            }
            return violations;
        }
        if (mediaType == null || !content.has(mediaType)) {
            List<String> types = new ArrayList<>();
            content.fieldNames().forEachRemaining(types::add);
            violations.add("Content-Type " + mediaType + " is not among the described ones " + types);
            return violations;
        }
        if (mediaType.equals("application/json")) {
            String schemaPointer = pointer + "/content/" + escape(mediaType) + "/schema";
            List<Error> errors;
            try {
                errors = schema(schemaPointer).validate(body, InputFormat.JSON);
            } catch (RuntimeException e) {
                violations.add("the body is not JSON (" + e.getMessage() + "): " + abbreviated(body));
                return violations;
            }
            errors.forEach(error -> violations.add("body " + describe(error)));
        }
        return violations;
    }

    /**
     * Throws, naming the request, the answer and every violation, unless {@code response} conforms.
     */
    public HttpResponse<String> check(String method, String requestPath, HttpResponse<String> response) {
        List<String> violations = violations(method, requestPath, response);
        if (!violations.isEmpty()) {
            throw new AssertionError(method + " " + requestPath + " answered " + response.statusCode() + " "
                    + abbreviated(response.body()) + "\nwhich the OpenAPI description does not allow:\n  - "
                    + String.join("\n  - ", violations));
        }
        return response;
    }

    /** The description's path that {@code requestPath} matches: a literal one first, else a template. */
    public Optional<String> template(String requestPath) {
        if (api.getPaths().containsKey(requestPath)) {
            return Optional.of(requestPath);
        }
        return api.getPaths().keySet().stream()
                .filter(path -> Pattern.compile(Pattern.quote(path).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"))
                        .matcher(requestPath).matches())
                .findFirst();
    }

    private Schema schema(String pointer) {
        return loaded.computeIfAbsent(pointer, p -> schemas.getSchema(SchemaLocation.of(BASE + "#" + fragment(p))));
    }

    /** The node at the JSON pointer; a missing node when there is none. */
    public JsonNode node(String pointer) {
        return tree.at(pointer);
    }

    /**
     * The pointers of every answer's schemas (bodies and headers) of every operation, each loaded by the
     * schema validator, so that one no test reaches is still known to be a schema the validator takes.
     */
    public List<String> loadEveryAnswerSchema() {
        List<String> loadedPointers = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                operation.getResponses().keySet().forEach(code -> {
                    String pointer = pointerOf("/paths/" + escape(path) + "/" + method.name().toLowerCase(Locale.ROOT) + "/responses/" + code);
                    JsonNode answer = node(pointer);
                    answer.path("content").fieldNames().forEachRemaining(type -> loadedPointers.add(pointer + "/content/" + escape(type) + "/schema"));
                    answer.path("headers").fieldNames().forEachRemaining(header -> loadedPointers.add(
                            pointerOf(pointer + "/headers/" + escape(header)) + "/schema"));
                })));
        loadedPointers.forEach(pointer -> schema(pointer).validate("null", InputFormat.JSON));
        return loadedPointers;
    }

    /** Every local reference ({@code "$ref": "#/..."}) in the document, as its JSON pointer. */
    public Set<String> references() {
        Set<String> references = new LinkedHashSet<>();
        tree.findValues("$ref").forEach(ref -> references.add(ref.asText().startsWith("#") ? ref.asText().substring(1) : ref.asText()));
        return references;
    }

    /** A reference object ({@code $ref} to a component) replaced by its target. */
    private JsonNode resolved(JsonNode node) {
        return node.has("$ref") ? node(node.get("$ref").asText().substring(1)) : node;
    }

    /** The pointer of what {@code pointer} stands for: its component when it holds a reference, else {@code pointer}. */
    private String pointerOf(String pointer) {
        JsonNode original = node(pointer);
        return original.has("$ref") ? original.get("$ref").asText().substring(1) : pointer;
    }

    private static List<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey() != null && entry.getKey().equalsIgnoreCase(name))
                .flatMap(entry -> entry.getValue().stream())
                .toList();
    }

    /** One JSON pointer token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON pointer as a URI fragment (RFC 6901, section 6). */
    private static String fragment(String pointer) {
        return pointer.chars().mapToObj(c -> c == '/' || Character.isLetterOrDigit(c) || "~-._".indexOf(c) >= 0
                ? Character.toString(c)
                : URLEncoder.encode(Character.toString(c), StandardCharsets.UTF_8)).collect(Collectors.joining());
    }

    private static String describe(Error error) {
        String at = error.getInstanceLocation().toString();
        return (at.isEmpty() ? "$" : at) + ": " + error.getMessage() + " (schema " + error.getSchemaLocation() + ")";
    }

    private static String abbreviated(String body) {
        if (body == null) {
            return "(no body)";
        }
        return body.length() <= 600 ? body : body.substring(0, 600) + "...";
    }

    /** For reports: the operations and answers, in order. */
    public static Map<String, Set<String>> byOperation(Set<String> answers) {
        Map<String, Set<String>> grouped = new LinkedHashMap<>();
        answers.stream().sorted().forEach(answer -> {
            int last = answer.lastIndexOf(' ');
            grouped.computeIfAbsent(answer.substring(0, last), key -> new LinkedHashSet<>()).add(answer.substring(last + 1));
        });
        return grouped;
    }
}
