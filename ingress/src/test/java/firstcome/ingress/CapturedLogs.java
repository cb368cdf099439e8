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

    private final List<String> lines = new CopyOnWriteArrayList<>();
    /** Each line's context fields (eventId, userId: LogContext), in the same order as {@link #lines}. */
    private final List<Map<String, String>> contexts = new CopyOnWriteArrayList<>();
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
                contexts.add(Map.copyOf(event.getContextData().toMap()));
                lines.add(line.toString());
            }
        };
        appender.start();
        context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
        Configurator.setLevel("firstcome", Level.TRACE);
        context.updateLoggers();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The context fields of each line containing {@code text}. */
    public List<Map<String, String>> contextsOf(String text) {
        List<Map<String, String>> found = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size() && i < contexts.size(); i++) {
            if (lines.get(i).contains(text)) {
                found.add(contexts.get(i));
            }
        }
        return found;
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
