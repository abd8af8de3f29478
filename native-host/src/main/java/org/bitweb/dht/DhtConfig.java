package org.bitweb.dht;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to run a {@link DhtNode}.
 *
 * @param bindAddress    IPv4 address the UDP socket binds to; the any-address lets mldht pick the
 *                       address of the default route. Loopback cannot work: mldht ignores loopback
 *                       and private peers (they are never "global unicast"), so a node on 127.0.0.1
 *                       would never find anybody.
 * @param port           UDP port; 0 picks a free one
 * @param bootstrapNodes nodes to join through when the routing table is (nearly) empty; the real
 *                       mainline routers by default. Tests always pass their own.
 * @param stateFile      where the good nodes of the routing table are kept between runs
 *                       (written atomically), or null to keep nothing
 */
public record DhtConfig(InetAddress bindAddress, int port, List<BootstrapNode> bootstrapNodes, Path stateFile) {
    public static final int DEFAULT_PORT = 47802;

    /** The routers BitTorrent clients have joined the mainline DHT through for years. */
    public static final List<BootstrapNode> MAINLINE_ROUTERS = List.of(
            new BootstrapNode("router.bittorrent.com", 6881),
            new BootstrapNode("dht.transmissionbt.com", 6881),
            new BootstrapNode("router.utorrent.com", 6881));

    public DhtConfig {
        Objects.requireNonNull(bindAddress, "bind address");
        if (!(bindAddress instanceof Inet4Address)) {
            throw new IllegalArgumentException("the DHT node is IPv4 only; bind address " + bindAddress.getHostAddress() + " is not IPv4");
        }
        if (bindAddress.isLoopbackAddress()) {
            throw new IllegalArgumentException("the DHT cannot run on loopback (" + bindAddress.getHostAddress()
                    + "): mldht drops loopback peers; use the any-address, a real interface, or the test network");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("DHT port must be 0..65535, not " + port);
        }
        bootstrapNodes = List.copyOf(Objects.requireNonNull(bootstrapNodes, "bootstrap nodes"));
        if (stateFile != null && Files.isDirectory(stateFile)) {
            throw new IllegalArgumentException("DHT state file " + stateFile + " is a folder; give a file name");
        }
    }

    /** Any address, the default port, the mainline routers, no state. */
    public static DhtConfig defaults() {
        return new DhtConfig(anyAddress(), DEFAULT_PORT, MAINLINE_ROUTERS, null);
    }

    public DhtConfig withBind(InetAddress address, int udpPort) {
        return new DhtConfig(address, udpPort, bootstrapNodes, stateFile);
    }

    public DhtConfig withBootstrapNodes(List<BootstrapNode> nodes) {
        return new DhtConfig(bindAddress, port, nodes, stateFile);
    }

    public DhtConfig withStateFile(Path file) {
        return new DhtConfig(bindAddress, port, bootstrapNodes, file);
    }

    public static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
