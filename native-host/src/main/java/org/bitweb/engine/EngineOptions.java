package org.bitweb.engine;

import org.bitweb.nat.PortMapper;

import java.net.InetAddress;

/**
 * How to run an engine.
 *
 * @param gatewayPort loopback port of the HTTP gateway; 0 picks a free one
 * @param peerPort    BitTorrent listening port; 0 picks a free one
 * @param peerBind    address the BitTorrent port listens on (any address by default; loopback in tests)
 * @param metadataTimeout how long a new site may look for peers and its file list before the
 *                        gateway says it cannot be had
 * @param stallTimeout    how long a reader waits for the next piece of a file before giving up
 * @param socks5Proxy     when set, every peer connection goes through this SOCKS5 proxy, the
 *                        engine accepts no connections from outside, and the DHT is off (it is
 *                        UDP, which a SOCKS proxy such as Tor does not carry); null for direct
 * @param dht             the DHT node's settings, or null to run without a DHT (tests, or peers
 *                        given by hand only)
 * @param lanDiscovery    announce shared sites to the LAN and use peers heard there (BEP 14; on
 *                        by default); off anyway through a SOCKS5 proxy and on a loopback peer port
 * @param portMapping     how to ask the router to forward the peer and DHT ports (docs/NAT.md);
 *                        none (the default here: tests never talk to the LAN's router) for no
 *                        mapping; {@code bitweb serve} turns it on. Off anyway through a SOCKS5
 *                        proxy and on a loopback peer port
 * @param localPeerHints  peers named in links may be on this machine or its networks (loopback,
 *                        private, link-local addresses; {@code serve --local-peer-hints}): for
 *                        testnets on one machine or a LAN only. Off by default, so a page cannot
 *                        make the engine connect into the visitor's own networks
 *                        ({@link org.bitweb.discovery.PeerHintPolicy})
 */
public record EngineOptions(int gatewayPort, int peerPort, InetAddress peerBind, java.time.Duration metadataTimeout,
                            java.time.Duration stallTimeout, java.net.InetSocketAddress socks5Proxy,
                            org.bitweb.dht.DhtConfig dht, boolean lanDiscovery, PortMapper.Config portMapping,
                            boolean localPeerHints) {
    public static final int DEFAULT_GATEWAY_PORT = 47800;
    public static final int DEFAULT_PEER_PORT = 47801;

    public static final java.time.Duration DEFAULT_METADATA_TIMEOUT = java.time.Duration.ofSeconds(60);
    public static final java.time.Duration DEFAULT_STALL_TIMEOUT = java.time.Duration.ofSeconds(30);

    public EngineOptions(int gatewayPort, int peerPort, InetAddress peerBind) {
        this(gatewayPort, peerPort, peerBind, DEFAULT_METADATA_TIMEOUT, DEFAULT_STALL_TIMEOUT);
    }

    public EngineOptions(int gatewayPort, int peerPort, InetAddress peerBind, java.time.Duration metadataTimeout,
                         java.time.Duration stallTimeout) {
        this(gatewayPort, peerPort, peerBind, metadataTimeout, stallTimeout, null, null);
    }

    public EngineOptions(int gatewayPort, int peerPort, InetAddress peerBind, java.time.Duration metadataTimeout,
                         java.time.Duration stallTimeout, java.net.InetSocketAddress socks5Proxy,
                         org.bitweb.dht.DhtConfig dht) {
        this(gatewayPort, peerPort, peerBind, metadataTimeout, stallTimeout, socks5Proxy, dht, true);
    }

    public EngineOptions(int gatewayPort, int peerPort, InetAddress peerBind, java.time.Duration metadataTimeout,
                         java.time.Duration stallTimeout, java.net.InetSocketAddress socks5Proxy,
                         org.bitweb.dht.DhtConfig dht, boolean lanDiscovery) {
        this(gatewayPort, peerPort, peerBind, metadataTimeout, stallTimeout, socks5Proxy, dht, lanDiscovery,
                PortMapper.Config.DEFAULTS.withMethods(java.util.List.of()), false);
    }

    public EngineOptions withPortMapping(PortMapper.Config config) {
        return new EngineOptions(gatewayPort, peerPort, peerBind, metadataTimeout, stallTimeout, socks5Proxy, dht,
                lanDiscovery, config, localPeerHints);
    }

    public EngineOptions withSocks5Proxy(java.net.InetSocketAddress proxy) {
        return new EngineOptions(gatewayPort, peerPort, peerBind, metadataTimeout, stallTimeout, proxy, dht, lanDiscovery,
                portMapping, localPeerHints);
    }

    public EngineOptions withDht(org.bitweb.dht.DhtConfig config) {
        return new EngineOptions(gatewayPort, peerPort, peerBind, metadataTimeout, stallTimeout, socks5Proxy, config,
                lanDiscovery, portMapping, localPeerHints);
    }

    public EngineOptions withLanDiscovery(boolean on) {
        return new EngineOptions(gatewayPort, peerPort, peerBind, metadataTimeout, stallTimeout, socks5Proxy, dht, on,
                portMapping, localPeerHints);
    }

    public EngineOptions withLocalPeerHints(boolean allowed) {
        return new EngineOptions(gatewayPort, peerPort, peerBind, metadataTimeout, stallTimeout, socks5Proxy, dht, lanDiscovery,
                portMapping, allowed);
    }

    public EngineOptions {
        checkPort(gatewayPort, "gateway port");
        checkPort(peerPort, "peer port");
        java.util.Objects.requireNonNull(portMapping, "portMapping");
    }

    private static void checkPort(int port, String what) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 0..65535, not " + port);
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(DEFAULT_GATEWAY_PORT, DEFAULT_PEER_PORT, anyAddress());
    }

    public static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
