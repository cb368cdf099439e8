package firstcome.stackkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The data directories of the servers run on this machine, deleted when a run ends. */
public final class DirectoryTree {

    private DirectoryTree() {
    }

    /**
     * Deletes {@code root} and everything under it, deepest first. Best effort: a server may still
     * be writing while it goes, and what cannot be deleted is left (under a temporary or a
     * {@code .local} directory, where leftovers are harmless). Nothing happens if it does not exist.
     */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort, see above
        }
    }
}
