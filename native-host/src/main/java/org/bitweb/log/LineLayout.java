package org.bitweb.log;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * A log line, written by hand in the format logback's {@code PatternLayout} made of
 * {@code "%d{HH:mm:ss.SSS} %-5level %logger{N} - %msg%n"} (stderr) and, with the date and thread,
 * {@code "%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{N} - %msg%n"} (the log file);
 * {@code LineLayoutTest} holds it to PatternLayout's output. Without the pattern's parser, its
 * converters (colour ones included) and its date formatter, which every start of every JVM of
 * ours compiled and linked before its first line: the engine, the browser's bridge, each command
 * (docs/TUNING.md, "A visit that starts the engine", item 12).
 */
final class LineLayout extends LayoutBase<ILoggingEvent> {
    private final boolean dateAndThread;
    private final TargetLengthBasedClassNameAbbreviator logger;
    private final ZoneId zone = ZoneId.systemDefault();

    /**
     * @param dateAndThread the file's format: the date before the time, the thread after it
     * @param loggerLength  the length logger names are abbreviated to, as {@code %logger{N}}
     */
    LineLayout(boolean dateAndThread, int loggerLength) {
        this.dateAndThread = dateAndThread;
        this.logger = new TargetLengthBasedClassNameAbbreviator(loggerLength);
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        LocalDateTime at = LocalDateTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
        if (dateAndThread) {
            digits(line, at.getYear(), 4).append('-');
            digits(line, at.getMonthValue(), 2).append('-');
            digits(line, at.getDayOfMonth(), 2).append(' ');
        }
        digits(line, at.getHour(), 2).append(':');
        digits(line, at.getMinute(), 2).append(':');
        digits(line, at.getSecond(), 2).append('.');
        digits(line, at.getNano() / 1_000_000, 3);
        if (dateAndThread) {
            line.append(" [").append(event.getThreadName()).append(']');
        }
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(' ').append(logger.abbreviate(event.getLoggerName())).append(" - ")
                .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)); // each of its lines ends with a separator
        }
        return line.toString();
    }

    private static StringBuilder digits(StringBuilder line, int value, int width) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < width; i++) {
            line.append('0');
        }
        return line.append(text);
    }
}
