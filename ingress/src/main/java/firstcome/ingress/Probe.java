package firstcome.ingress;

/** Whether a dependency answers right now; {@code /health} asks each one. */
@FunctionalInterface
public interface Probe {

    boolean up();
}
