package firstcome.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SinkSettingsTest {

    @Test
    void listsExactlyTheVariablesTheConfigReadsWithTheDefaultsItTakes() {
        assertThat(SinkSettings.DESCRIPTION.disagreementsWith(SinkConfig::fromEnv)).isEmpty();
    }
}
