package org.bitweb.cli;

import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineOptions;
import org.bitweb.messaging.EngineClient;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.util.Map;

/**
 * The user's running engine, or, when none runs, one started for a command and stopped after it:
 * what {@code comment}, {@code comments} and {@code moderate} talk to. An engine started here has
 * just joined the network, so these commands reach the site's swarm before they finish.
 */
final class EngineUse implements AutoCloseable {
    final EngineClient client;
    private final EngineDaemon own;

    private EngineUse(EngineClient client, EngineDaemon own) {
        this.client = client;
        this.own = own;
    }

    static EngineUse connect(StateDir dir, NetworkOptions network, Map<String, String> env) throws IOException {
        try {
            return new EngineUse(EngineClient.connect(dir.socket()), null);
        } catch (IOException noEngine) {
            EngineDaemon own = EngineDaemon.start(dir, new EngineOptions(0, 0, network.bind())
                    .withDht(network.dht(0, env)).withLanDiscovery(network.lanDiscovery(env)));
            try {
                return new EngineUse(EngineClient.connect(dir.socket()), own);
            } catch (IOException | RuntimeException e) {
                own.close();
                throw e;
            }
        }
    }

    /** Whether the engine was started for this command (it stops when the command ends). */
    boolean started() {
        return own != null;
    }

    @Override
    public void close() throws IOException {
        try {
            client.close();
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }
}
