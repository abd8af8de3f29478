package org.bitweb.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging until {@link Logging#configure} runs (and in an engine nobody configures: tests,
 * benchmarks): warnings and errors to stderr, never stdout, which is the native-messaging channel.
 *
 * <p>Set up in code, found by logback as a service (META-INF/services), instead of a logback.xml:
 * logback read and interpreted that file at the first logger (its XML parser, its configuration
 * model, reflection), 60-90 ms of every engine start on the way to a browser's first page
 * (issue 16, docs/TUNING.md "A visit that starts the engine"). A {@code logback-test.xml} on the
 * class path (the tests') or {@code -Dlogback.configurationFile} still decides when present.
 */
public final class DefaultLogging extends ContextAwareBase implements Configurator {
    /** The stderr lines, written by {@link LineLayout} (held to this pattern by its test). */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";
    static final int LOGGER_LENGTH = 20;

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, System.getProperty("logback.configurationFile") != null
                || DefaultLogging.class.getClassLoader().getResource("logback-test.xml") != null);
    }

    ExecutionStatus configure(LoggerContext context, boolean fileGiven) {
        if (fileGiven) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // logback's own reading of the file
        }
        var encoder = Logging.encoder(context, new LineLayout(false, LOGGER_LENGTH));
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
