package firstcome.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessorSettingsTest {

    @Test
    void listsExactlyTheVariablesTheConfigReadsWithTheDefaultsItTakes() {
        assertThat(ProcessorSettings.DESCRIPTION.disagreementsWith(ProcessorConfig::fromEnv)).isEmpty();
    }
}
