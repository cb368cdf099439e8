package firstcome.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pipeline with a second instance of every service beside its own: a second streams-processor in
 * the same application, a second sink in the same group, and a second ingress that asks the second
 * processor (which forwards a look-up to the event's owner). Closing it stops them all.
 */
final class TwoOfEach implements AutoCloseable {

    /** The stop bounds of instances a test stops; the drain is short, no real balancer waits for it. */
    static final Map<String, String> STOP_BOUNDS = Map.of(
            "INGRESS_SHUTDOWN_DRAIN_MS", "1000",
            "INGRESS_SHUTDOWN_TIMEOUT_MS", "6000",
            "PROCESSOR_SHUTDOWN_TIMEOUT_MS", "10000",
            "SINK_SHUTDOWN_TIMEOUT_MS", "10000");
    static final Duration START = Duration.ofSeconds(90);

    final Pipeline pipeline;
    final ServiceProcess secondProcessor;
    final ServiceProcess secondSink;
    final ServiceProcess secondIngress;

    private TwoOfEach(Pipeline pipeline, ServiceProcess secondProcessor, ServiceProcess secondSink, ServiceProcess secondIngress) {
        this.pipeline = pipeline;
        this.secondProcessor = secondProcessor;
        this.secondSink = secondSink;
        this.secondIngress = secondIngress;
    }

    /**
     * Starts the second instances beside {@code pipeline}'s (logging to {@code logPrefix + service + "-2.log"})
     * and waits until they are healthy; stops everything, the pipeline too, if one does not start.
     */
    static TwoOfEach beside(Pipeline pipeline, String logPrefix) throws IOException {
        ServiceProcess processor = null;
        ServiceProcess sink = null;
        ServiceProcess ingress = null;
        try {
            processor = ProcessorInstances.another(pipeline, "streams-processor", logPrefix + "streams-processor-2", Map.of());
            sink = ProcessorInstances.another(pipeline, "sink", logPrefix + "sink-2", Map.of());
            processor.awaitHealthy(START);
            sink.awaitHealthy(START);
            ingress = ProcessorInstances.another(pipeline, "ingress", logPrefix + "ingress-2", Map.of("PROCESSOR_URL", processor.url()));
            ingress.awaitHealthy(START);
            return new TwoOfEach(pipeline, processor, sink, ingress);
        } catch (IOException | RuntimeException e) {
            for (ServiceProcess started : new ServiceProcess[] {ingress, sink, processor}) {
                if (started != null) {
                    started.close();
                }
            }
            pipeline.close();
            throw e;
        }
    }

    /** Both ingresses' addresses, the pipeline's first: what a round-robin balancer sends to. */
    List<String> ingressUrls() {
        return List.of(pipeline.ingress.url(), secondIngress.url());
    }

    @Override
    public void close() {
        secondIngress.close();
        secondSink.close();
        secondProcessor.close();
        pipeline.close();
    }
}
