package firstcome.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IngressSettingsTest {

    @Test
    void listsExactlyTheVariablesTheConfigReadsWithTheDefaultsItTakes() {
        assertThat(IngressSettings.DESCRIPTION.disagreementsWith(IngressConfig::fromEnv)).isEmpty();
    }
}
