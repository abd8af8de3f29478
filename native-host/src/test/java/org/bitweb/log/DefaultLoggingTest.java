package org.bitweb.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logging before it is configured: warnings and errors to stderr, never stdout (the
 * native-messaging channel), set up without a configuration file; a file given (the tests'
 * logback-test.xml) still decides.
 */
class DefaultLoggingTest {
    @Test
    void withoutAFileWarningsGoToStderrOnly() {
        LoggerContext context = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new DefaultLogging().configure(context, false));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.WARN, root.getLevel());
        Iterator<Appender<ILoggingEvent>> appenders = root.iteratorForAppenders();
        ConsoleAppender<?> console = assertInstanceOf(ConsoleAppender.class, appenders.next());
        assertEquals("System.err", console.getTarget());
        assertTrue(console.isStarted());
        assertFalse(appenders.hasNext(), "one appender");
    }

    @Test
    void aGivenFileIsLeftToLogback() {
        LoggerContext context = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new DefaultLogging().configure(context, true));
        assertFalse(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
    }

    @Test
    void logbackFindsItAsAService() {
        assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == DefaultLogging.class),
                "META-INF/services names DefaultLogging");
    }
}
