package firstcome.ingress;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log line of this JVM while open, with firstcome's own loggers turned up to TRACE, so a test
 * can prove what is never written (a secret) whatever level an operator runs at.
 */
public final class CapturedLogs implements AutoCloseable {

    /** A line and its context fields (eventId, userId: LogContext). */
    public record Entry(String line, Map<String, String> context) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final Level firstcomeLevel;

    public CapturedLogs() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        firstcomeLevel = context.getConfiguration().getLoggerConfig("firstcome").getLevel();
        appender = new AbstractAppender("captured-logs", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                }
                entries.add(new Entry(line.toString(), Map.copyOf(event.getContextData().toMap())));
            }
        };
        appender.start();
        context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
        Configurator.setLevel("firstcome", Level.TRACE);
        context.updateLoggers();
    }

    public List<String> lines() {
        return entries.stream().map(Entry::line).toList();
    }

    /** Every line containing {@code text}, with its context fields. */
    public List<Entry> containing(String text) {
        return entries.stream().filter(entry -> entry.line().contains(text)).toList();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        Configurator.setLevel("firstcome", firstcomeLevel);
        appender.stop();
        context.updateLoggers();
    }
}
