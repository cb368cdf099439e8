package firstcome.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests the {@link Infrastructure} of this test JVM: built on first
 * request, shared by every test class of the run, and closed by JUnit when the run ends (the root
 * context's store closes the {@link AutoCloseable}s it holds).
 *
 * <pre>{@code
 * @ExtendWith(InfrastructureExtension.class)
 * class CouponWriterIT {
 *     @Test
 *     void writesEachCouponOnce(Infrastructure infrastructure) { ... infrastructure.mysqlJdbcUrl() ... }
 * }
 * }</pre>
 * Servers start lazily inside {@code Infrastructure}, so a module that only asks for Kafka never
 * starts MariaDB.
 */
public final class InfrastructureExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(InfrastructureExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Infrastructure.class;
    }

    @Override
    public Infrastructure resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return infrastructure(context);
    }

    /** For extensions and callbacks that need it without a parameter. */
    public static Infrastructure infrastructure(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                Infrastructure.class, type -> Infrastructure.fromEnvironment(System.getenv()), Infrastructure.class);
    }
}
