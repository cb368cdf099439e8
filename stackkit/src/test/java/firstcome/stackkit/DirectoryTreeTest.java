package firstcome.stackkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryTreeTest {

    @TempDir
    Path parent;

    @Test
    void deletesTheDirectoryWithEverythingUnderIt() throws Exception {
        Path root = parent.resolve("kafka");
        Files.createDirectories(root.resolve("logs/coupon-issued-0"));
        Files.writeString(root.resolve("logs/coupon-issued-0/00000000000000000000.log"), "records");
        Files.writeString(root.resolve("server.properties"), "node.id=1");

        DirectoryTree.delete(root);

        assertThat(root).doesNotExist();
        assertThat(parent).exists();
    }

    @Test
    void leavesAMissingDirectoryAlone() {
        DirectoryTree.delete(parent.resolve("never-created"));
        DirectoryTree.delete(null);

        assertThat(parent).isEmptyDirectory();
    }
}
