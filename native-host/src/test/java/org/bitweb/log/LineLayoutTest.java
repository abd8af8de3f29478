package org.bitweb.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written log lines are the ones logback's PatternLayout made of the two patterns, byte for byte. */
class LineLayoutTest {
    private final LoggerContext context = new LoggerContext();

    @Test
    void theFileAndStderrLinesAreThePatternsLines() {
        for (LoggingEvent event : events()) {
            assertEquals(pattern(Logging.FILE_PATTERN).doLayout(event), started(new LineLayout(true, Logging.FILE_LOGGER_LENGTH)).doLayout(event));
            assertEquals(pattern(DefaultLogging.PATTERN).doLayout(event), started(new LineLayout(false, DefaultLogging.LOGGER_LENGTH)).doLayout(event));
        }
    }

    private List<LoggingEvent> events() {
        ch.qos.logback.classic.Logger engine = context.getLogger("org.bitweb.engine.Engine");
        ch.qos.logback.classic.Logger bt = context.getLogger("bt.net.IncomingConnectionListener");
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        IOException cause = new IOException("the disk is full");
        IllegalStateException failure = new IllegalStateException("could not write", cause);
        failure.addSuppressed(new RuntimeException("and could not clean up"));
        LoggingEvent withArgs = new LoggingEvent("x", engine, Level.INFO, "engine up: {} sites in {} ms", null, new Object[] {3, 420});
        withArgs.setTimeStamp(1_765_000_000_123L); // a fixed moment, ms not zero
        LoggingEvent early = new LoggingEvent("x", bt, Level.WARN, "midnight", null, null);
        early.setTimeStamp(1_764_979_200_007L);
        return List.of(withArgs, early,
                new LoggingEvent("x", bt, Level.ERROR, "Unexpected error", failure, null),
                new LoggingEvent("x", root, Level.DEBUG, "déjà vu", null, null),
                new LoggingEvent("x", context.getLogger("a.very.long.package.name.that.goes.on.AndAClassName$Inner"),
                        Level.TRACE, "", null, null));
    }

    private PatternLayout pattern(String pattern) {
        PatternLayout layout = new PatternLayout();
        layout.setPattern(pattern);
        return started(layout);
    }

    private <L extends ch.qos.logback.core.LayoutBase<?>> L started(L layout) {
        layout.setContext(context);
        layout.start();
        return layout;
    }
}
