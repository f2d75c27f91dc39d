package io.gearworker.camel.gearman.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/** Records what one logger (and its children) logs while a test runs; {@link #close()} detaches it. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    private LogCapture(String loggerName, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        this.previousLevel = logger.getLevel();
        logger.setLevel(level);
        setContext(logger.getLoggerContext());
        start();
        logger.addAppender(this);
    }

    public static LogCapture of(Class<?> loggerOf) {
        return new LogCapture(loggerOf.getName(), Level.INFO);
    }

    public static LogCapture of(Class<?> loggerOf, Level level) {
        return new LogCapture(loggerOf.getName(), level);
    }

    /** For a logger whose class is not visible here. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName, Level.INFO);
    }

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    /** Formatted messages of the events at or above the level that contain the text. */
    public List<String> messages(Level atLeast, String containing) {
        return events.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(containing))
                .toList();
    }

    public long count(Level atLeast, String containing) {
        return messages(atLeast, containing).size();
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setLevel(previousLevel);
        stop();
    }
}
