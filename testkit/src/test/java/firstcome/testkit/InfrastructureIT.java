package firstcome.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture's own lifecycle: one shared instance per run, and closing leaves nothing behind. */
@ExtendWith(InfrastructureExtension.class)
class InfrastructureIT {

    private final Infrastructure injectedIntoConstructor;

    InfrastructureIT(Infrastructure infrastructure) {
        this.injectedIntoConstructor = infrastructure;
    }

    @Test
    void givesTheConstructorAndTheTestTheSameSharedInstance(Infrastructure infrastructure) {
        assertThat(infrastructure).isSameAs(injectedIntoConstructor);
    }

    @Test
    void closingStopsTheServersItStartedAndDeletesTheirFiles() throws Exception {
        // given: a private instance, all local, so closing it leaves the shared one alone
        Infrastructure own = Infrastructure.fromEnvironment(Map.of());
        int port = own.redisPort();
        Path workDir = own.workDirectory();
        assertThat(answers(port)).isTrue();

        // when
        own.close();

        // then
        assertThat(answers(port)).isFalse();
        assertThat(workDir).doesNotExist();
        assertThatThrownBy(own::redisUrl).isInstanceOf(IllegalStateException.class);
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
