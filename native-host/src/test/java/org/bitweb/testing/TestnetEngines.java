package org.bitweb.testing;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;

import org.bitweb.dht.DhtConfig;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.Testnet;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private DHT testnet of 16 stock nodes with filled routing tables, and the engines a test
 * starts on it, each on a testnet address of its own. Closing it stops the engines, newest first,
 * gives their addresses back and stops the testnet.
 */
public final class TestnetEngines implements AutoCloseable {
    public final Testnet net;
    private final Path root;
    private final List<Engine> engines = new ArrayList<>();
    private final List<InetAddress> addresses = new ArrayList<>();

    private TestnetEngines(Testnet net, Path root) {
        this.net = net;
        this.root = root;
    }

    /** Skips the test (JUnit assumption) where no network namespace can be made. */
    public static TestnetEngines start(Path root) throws IOException {
        Testnet.assumeAvailable();
        Testnet net = Testnet.start(16);
        net.awaitRoutingTables(DhtNode.HEALTHY_TABLE, Duration.ofSeconds(30));
        return new TestnetEngines(net, root);
    }

    /** A free testnet address, given back on close. */
    public InetAddress address() {
        InetAddress address = Testnet.allocateAddress();
        addresses.add(address);
        return address;
    }

    /**
     * An engine whose peers and DHT node use an address of its own, joined through the testnet.
     * Without local peer discovery: what these engines find, they find through the DHT.
     */
    public Engine engine(String name) throws IOException {
        InetAddress address = address();
        Engine engine = Engine.start(new StateDir(root.resolve(name)), new EngineOptions(0, 0, address)
                .withDht(new DhtConfig(address, Testnet.DHT_PORT, net.bootstrapNodes(), null))
                .withLanDiscovery(false));
        engines.add(engine);
        return engine;
    }

    /** Stops one engine before the others (a publisher going offline, say). */
    public void stop(Engine engine) {
        engines.remove(engine);
        engine.close();
    }

    @Override
    public void close() {
        for (int i = engines.size() - 1; i >= 0; i--) {
            try {
                engines.get(i).close();
            } catch (RuntimeException e) {
                // keep closing the rest: one engine's failure must not leave the testnet running
            }
        }
        addresses.forEach(Testnet::releaseAddress);
        net.close();
    }
}
