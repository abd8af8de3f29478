package org.bitweb.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Path;

/**
 * Logs go to {@code <state>/logs/bitweb.log} and to stderr, never to stdout: stdout is the
 * native-messaging channel. Libraries that log through java.util.logging (Guice, used by bt) are
 * routed here too.
 */
public final class Logging {
    private static final String FILE_APPENDER = "file";
    /** The log file's lines, written by {@link LineLayout} (held to this pattern by its test). */
    static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{24} - %msg%n";
    static final int FILE_LOGGER_LENGTH = 24;

    private Logging() {
    }

    /**
     * @param logDir      folder for bitweb.log (rolled at 10 MB, 5 kept); null for stderr only
     * @param level       level for BitWeb's own loggers
     * @param stderrLevel lowest level also written to stderr
     */
    public static void configure(Path logDir, Level level, Level stderrLevel) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        context.getLogger("org.bitweb").setLevel(level);
        // bt and Jetty are chatty at INFO about every peer and connection
        context.getLogger("bt").setLevel(Level.WARN);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        // bt warns that our shaded jar's manifest has no bt version: noise that would hide real
        // problems (its acceptor's error at every shutdown is gone at the source, bt/PeerListener)
        context.getLogger("bt.service.ClasspathApplicationService").setLevel(Level.ERROR);
        if (level.levelInt < Level.INFO.levelInt) {
            root.setLevel(level);
        }

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(context, new LineLayout(false, DefaultLogging.LOGGER_LENGTH))); // DefaultLogging.PATTERN
        ch.qos.logback.classic.filter.ThresholdFilter threshold = new ch.qos.logback.classic.filter.ThresholdFilter();
        threshold.setLevel(stderrLevel.levelStr);
        threshold.start();
        stderr.addFilter(threshold);
        stderr.start();
        root.addAppender(stderr);

        if (logDir != null) {
            RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
            file.setContext(context);
            file.setName(FILE_APPENDER);
            file.setFile(logDir.resolve("bitweb.log").toString());
            SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
            policy.setContext(context);
            policy.setParent(file);
            policy.setFileNamePattern(logDir.resolve("bitweb.%d{yyyy-MM-dd}.%i.log").toString());
            policy.setMaxFileSize(FileSize.valueOf("10MB"));
            policy.setMaxHistory(5);
            policy.setTotalSizeCap(FileSize.valueOf("60MB"));
            policy.start();
            file.setRollingPolicy(policy);
            file.setEncoder(encoder(context, new LineLayout(true, FILE_LOGGER_LENGTH))); // FILE_PATTERN
            file.start();
            root.addAppender(file);
        }

        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /**
     * A logger whose events go to the log file only, never to stderr: for the details (a stack
     * trace, say) of what the user was already told in one line. Before {@link #configure} with a
     * folder, its events go nowhere.
     */
    public static org.slf4j.Logger fileOnly(Class<?> owner) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger logger = context.getLogger(owner.getName() + ".fileOnly");
        logger.setAdditive(false);
        var file = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(FILE_APPENDER);
        if (file != null && logger.getAppender(FILE_APPENDER) != file) {
            logger.detachAppender(FILE_APPENDER); // one of an earlier configure(), stopped by its reset()
            logger.addAppender(file);
        }
        return logger;
    }

    /** An encoder of {@code layout}'s lines, in UTF-8 (as logback's pattern encoder wrote them). */
    static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext context, LineLayout layout) {
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setCharset(java.nio.charset.StandardCharsets.UTF_8);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    public static Level parseLevel(String name) {
        Level level = Level.toLevel(name, null);
        if (level == null) {
            throw new IllegalArgumentException("unknown log level '" + name + "' (use error, warn, info, debug or trace)");
        }
        return level;
    }
}
