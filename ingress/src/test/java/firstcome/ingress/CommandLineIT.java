package firstcome.ingress;

import firstcome.testkit.ServiceJarCommandLine;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runnable jar as an operator runs it: help, version, and the one line a setting it cannot use ends with. */
class CommandLineIT extends ServiceJarCommandLine {

    CommandLineIT() {
        super(IngressSettings.DESCRIPTION, "  INGRESS_PORT=8080", "  ADMIN_TOKEN (secret; unset by default)");
    }

    @Test
    void aBadSettingEndsWithOneLineNamingItAndStatusTwo() {
        assertOneLine(Map.of("INGRESS_PORT", "abc"), "firstcome ingress: INGRESS_PORT must be a whole number, was 'abc'");
        assertOneLine(Map.of("INGRESS_PORT", "70000"), "firstcome ingress: INGRESS_PORT must be a port number, was 70000");
        assertOneLine(Map.of("PROCESSOR_URL", "localhost:8081"),
                "firstcome ingress: PROCESSOR_URL must be an http:// URL, was 'localhost:8081'");
        assertOneLine(Map.of("SHOPPER_JWT_JWKS", dir.resolve("missing.json").toString()),
                "firstcome ingress: SHOPPER_JWT_JWKS must name a readable JWKS file, was '" + dir.resolve("missing.json") + "'");
        assertOneLine(Map.of("LOG_FORMAT", "xml"),
                "firstcome ingress: LOG_FORMAT=xml is not a log format: text (the default) or json, in lower case");
    }
}
