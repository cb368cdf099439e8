package firstcome.ingress.kafka;

/** Whether a dependency answers right now; {@code /health} asks each one. */
@FunctionalInterface
public interface Probe {

    boolean up();
}
