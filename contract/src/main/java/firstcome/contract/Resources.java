package firstcome.contract;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process has opened, closed in reverse order of opening. Every service's {@code App.start}
 * registers each resource here right after opening it, so a failure half-way through closes
 * exactly what was opened, and {@code App.close} undoes a full start in the same way. Closing
 * twice (a shutdown hook after an exit on error) closes once.
 */
public final class Resources implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Resources.class);

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Registers {@code resource} to be closed before everything opened earlier; returns it. */
    public synchronized <T extends AutoCloseable> T open(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Registers an undo step that is no resource object of its own (stop a server, shut a pool down). */
    public synchronized void onClose(AutoCloseable undo) {
        opened.push(undo);
    }

    /** Closes everything in reverse order of opening; a failure is logged and the rest still closed. */
    @Override
    public synchronized void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                log.warn("closing failed", e);
            } catch (Error e) {
                log.error("closing failed", e);
            }
        }
    }
}
