package firstcome.ingress.kafka;

/** Whether a dependency answers right now; {@code /health} and {@code /health/ready} ask it, with a deadline ({@code BoundedCheck}). */
@FunctionalInterface
public interface Probe {

    boolean up();
}
