package org.bitweb.cli;

import org.bitweb.dht.DhtConfig;
import org.bitweb.engine.EngineOptions;
import picocli.CommandLine.Option;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Map;

/** How {@code serve} and {@code get} find and reach peers: the bind address, the DHT, the LAN. */
final class NetworkOptions {
    @Option(names = "--peer-bind", paramLabel = "ADDRESS", converter = Converters.Address.class,
            description = "address the BitTorrent port listens on (default: all)")
    InetAddress peerBind;

    @Option(names = "--dht-bootstrap", paramLabel = "HOST:PORT,...", converter = Converters.Bootstrap.class,
            description = {"DHT nodes to join through (default: the mainline routers, or $BITWEB_DHT_BOOTSTRAP; "
                    + "empty means none)"})
    Converters.BootstrapList dhtBootstrap;

    @Option(names = "--no-dht", description = "run without the DHT: peers only from links and --peer (also BITWEB_DHT=off)")
    boolean noDht;

    @Option(names = "--no-lan", description = "no local peer discovery (BEP 14) this run, whatever the setting "
            + "lanDiscovery says (also BITWEB_LAN=off)")
    boolean noLan;

    InetAddress bind() {
        return peerBind == null ? EngineOptions.anyAddress() : peerBind;
    }

    /**
     * Whether this run may use local peer discovery (the setting {@code lanDiscovery} decides
     * then): not with {@code --no-lan}, nor with {@code BITWEB_LAN=off}, which the test scripts
     * set so that no engine a test starts talks to the LAN of the machine running the tests.
     */
    boolean lanDiscovery(Map<String, String> env) {
        return !noLan && !"off".equals(env.get("BITWEB_LAN"));
    }

    /**
     * The DHT node's settings, or null for none. A loopback bind means a test or a private setup:
     * the DHT cannot work there (mldht drops loopback addresses).
     */
    DhtConfig dht(int port, Map<String, String> env) {
        InetAddress bind = bind();
        if (noDht || bind.isLoopbackAddress() || "off".equals(env.get("BITWEB_DHT"))) {
            return null; // BITWEB_DHT=off: test runs, whose engines must never reach the public DHT
        }
        Converters.BootstrapList nodes = dhtBootstrap;
        if (nodes == null && env.get("BITWEB_DHT_BOOTSTRAP") != null) {
            try {
                nodes = Converters.BootstrapList.parse(env.get("BITWEB_DHT_BOOTSTRAP"));
            } catch (IllegalArgumentException e) {
                throw new CliException(Outcome.USAGE, "BITWEB_DHT_BOOTSTRAP: " + e.getMessage());
            }
        }
        InetAddress dhtBind = bind instanceof Inet4Address ? bind : DhtConfig.anyAddress();
        return new DhtConfig(dhtBind, port, nodes == null ? DhtConfig.MAINLINE_ROUTERS : nodes.nodes(), null);
    }
}
