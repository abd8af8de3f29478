package org.bitweb.dht;

import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.DHTLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mldht logs through one static logger that prints to System.out unless replaced, and stdout is the
 * native-messaging channel. This sends it to SLF4J (logger {@code mldht}) instead, one level lower
 * than mldht's own: its "errors" are mostly other nodes misbehaving.
 */
final class MldhtLog {
    private static final Logger LOG = LoggerFactory.getLogger("mldht");
    private static boolean installed;

    private MldhtLog() {
    }

    /** Routes mldht's log here (once) and matches its level to the SLF4J logger's current one. */
    static synchronized void install() {
        if (!installed) {
            DHT.setLogger(new DHTLogger() {
                @Override
                public void log(String message, DHT.LogLevel level) {
                    switch (level) {
                        case Fatal -> LOG.error(message);
                        case Error -> LOG.info(message);
                        case Info -> LOG.debug(message);
                        default -> LOG.trace(message);
                    }
                }

                @Override
                public void log(Throwable error, DHT.LogLevel level) {
                    if (level == DHT.LogLevel.Fatal) {
                        LOG.error("mldht failure", error);
                    } else {
                        LOG.warn("mldht: {}", error.toString(), error);
                    }
                }
            });
            installed = true;
        }
        // mldht builds its message strings before the level check of this logger, so filter early
        DHT.LogLevel level = LOG.isTraceEnabled() ? DHT.LogLevel.Verbose
                : LOG.isDebugEnabled() ? DHT.LogLevel.Info : DHT.LogLevel.Error;
        if (DHT.getLogLevel() != level) {
            DHT.setLogLevel(level);
        }
    }
}
