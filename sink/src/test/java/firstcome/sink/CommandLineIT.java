package firstcome.sink;

import firstcome.testkit.ServiceJarCommandLine;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runnable jar as an operator runs it: help, version, and the one line a setting it cannot use ends with. */
class CommandLineIT extends ServiceJarCommandLine {

    CommandLineIT() {
        super(SinkSettings.DESCRIPTION, "  SINK_PORT=8082", "  MYSQL_PASSWORD=coupon (secret)");
    }

    @Test
    void aBadSettingEndsWithOneLineNamingItAndStatusTwo() {
        assertOneLine(Map.of("SINK_BATCH_SIZE", "many"), "firstcome sink: SINK_BATCH_SIZE must be a whole number, was 'many'");
        assertOneLine(Map.of("MYSQL_URL", "postgres://db/coupon"),
                "firstcome sink: MYSQL_URL must be a jdbc:mysql: URL (mysql-connector-j), was 'postgres://db/coupon'");
        assertOneLine(Map.of("KAFKA_CLIENT_CONFIG", dir.resolve("missing.properties").toString()),
                "firstcome sink: KAFKA_CLIENT_CONFIG=" + dir.resolve("missing.properties") + " cannot be read: no such file");
        assertOneLine(Map.of("LOG_FORMAT", "xml"),
                "firstcome sink: LOG_FORMAT=xml is not a log format: text (the default) or json, in lower case");
    }
}
