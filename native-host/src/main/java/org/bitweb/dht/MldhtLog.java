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

    static synchronized void install() {
        if (installed) {
            return;
        }
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
        // below Debug mldht builds its message strings for nothing
        DHT.setLogLevel(LOG.isTraceEnabled() ? DHT.LogLevel.Verbose : LOG.isDebugEnabled() ? DHT.LogLevel.Info : DHT.LogLevel.Error);
        installed = true;
    }
}
