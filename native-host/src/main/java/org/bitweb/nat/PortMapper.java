package org.bitweb.nat;

import org.bitweb.log.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Asks the router to forward the engine's peer port (TCP) and DHT port (UDP) so that peers
 * outside the network can connect: PCP, then NAT-PMP, then UPnP IGD (docs/NAT.md). Renews the
 * mappings at half their lease, tries again later when no router answered, removes them on
 * {@link #close}, and says what it found as a {@link Reachability}.
 */
public final class PortMapper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PortMapper.class);

    /** The protocols, in the order they are tried. */
    public enum Method {
        PCP, NATPMP, UPNP;

        /** Parses "upnp,natpmp"-like lists (BITWEB_PORTMAP); empty or "on" for all. */
        public static List<Method> parse(String list) {
            List<Method> methods = new ArrayList<>();
            if (list == null || list.isBlank() || list.equals("on")) {
                return List.of(values());
            }
            for (String word : list.split(",")) {
                String w = word.trim().toUpperCase(Locale.ROOT).replace("-", "");
                try {
                    methods.add(Method.valueOf(w));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("port mapping methods are pcp, natpmp and upnp, not '" + word.trim() + "'");
                }
            }
            return List.copyOf(methods);
        }
    }

    /**
     * @param lease how long to ask for (renewed at half of what the router grants)
     * @param search how long to wait for UPnP devices to answer the search
     * @param tries how many times a PCP/NAT-PMP request is sent (250 ms, 500 ms, 1 s...)
     * @param retry how long after a failure to try again (a router switched on, UPnP enabled)
     */
    public record Config(List<Method> methods, Duration lease, Duration search, int tries, Duration retry) {
        public static final Config DEFAULTS = new Config(List.of(Method.values()), Duration.ofHours(1),
                Duration.ofSeconds(3), 4, Duration.ofMinutes(5));

        public Config {
            methods = List.copyOf(methods);
            if (lease.toSeconds() < 2) {
                throw new IllegalArgumentException("a port mapping lease of under 2 s cannot be renewed in time: " + lease);
            }
        }

        public Config withMethods(List<Method> list) {
            return new Config(list, lease, search, tries, retry);
        }

        public Config withLease(Duration value) {
            return new Config(methods, value, search, tries, retry);
        }
    }

    private final int tcpPort;
    private final int udpPort;
    private final Config config;
    private final ScheduledExecutorService scheduler;
    private final Supplier<Optional<InetSocketAddress>> seenByDht;
    private volatile Reachability reachability;
    // touched by the scheduler thread only, and by close() after it stopped
    private MappingProtocol protocol;
    private InetAddress router;
    private InetAddress externalAddress;
    private final List<Mapping> mappings = new ArrayList<>();

    private PortMapper(int tcpPort, int udpPort, Config config, Supplier<Optional<InetSocketAddress>> seenByDht,
                       Reachability initial, boolean run) {
        this.tcpPort = tcpPort;
        this.udpPort = udpPort;
        this.config = config;
        this.seenByDht = seenByDht;
        this.reachability = initial;
        this.scheduler = run ? Threads.scheduler("port-mapping", 1) : null;
    }

    /**
     * Starts mapping in the background; {@link #reachability} says "checking" until the router answered.
     *
     * @param udpPort the DHT's port, or 0 without a DHT
     * @param seenByDht the address DHT nodes say they see us at (BEP 42's "ip"), if any
     */
    public static PortMapper start(int tcpPort, int udpPort, Config config, Supplier<Optional<InetSocketAddress>> seenByDht) {
        PortMapper mapper = new PortMapper(tcpPort, udpPort, config, seenByDht,
                Reachability.unknown("checking the router (" + names(config.methods()) + ")", null), true);
        mapper.scheduler.execute(mapper::guarded);
        return mapper;
    }

    /**
     * The engine's port mapping: started, or off with the reason when it cannot help (a SOCKS5
     * proxy, a loopback peer port) or was switched off.
     */
    public static PortMapper forEngine(Config config, InetAddress peerBind, boolean proxied, int tcpPort, int udpPort,
                                       Supplier<Optional<InetSocketAddress>> seenByDht) {
        if (proxied) {
            return off("peer connections go through a SOCKS5 proxy: nobody outside connects to this engine, by design", null);
        }
        if (peerBind.isLoopbackAddress()) {
            return off("the peer port listens on loopback only", null);
        }
        if (config.methods().isEmpty()) {
            return off("port mapping is off (--no-port-mapping or BITWEB_PORTMAP=off)",
                    "to let peers outside your network connect, start the engine without it, or forward TCP port "
                            + tcpPort + (udpPort > 0 ? " and UDP port " + udpPort : "") + " to this computer in your router");
        }
        return start(tcpPort, udpPort, config, seenByDht);
    }

    /** No mapping this run, and why (a SOCKS5 proxy, a loopback peer port, BITWEB_PORTMAP=off). */
    public static PortMapper off(String why, String advice) {
        return new PortMapper(0, 0, Config.DEFAULTS, Optional::empty, Reachability.unknown(why, advice), false);
    }

    public Reachability reachability() {
        Reachability now = reachability;
        if (now.state() != Reachability.State.MAPPED || seenByDht == null) {
            return now;
        }
        // the DHT's nodes see us at another address than the router's outside one: another NAT is in between
        Optional<InetSocketAddress> seen = seenByDht.get();
        if (seen.isPresent() && now.externalAddress() != null
                && !seen.get().getAddress().getHostAddress().equals(now.externalAddress())) {
            return new Reachability(Reachability.State.NOT_MAPPED, now.method(), seen.get().getAddress().getHostAddress(),
                    now.tcpPort(), now.udpPort(), now.detail() + "; but DHT nodes see this machine at "
                    + seen.get().getAddress().getHostAddress() + ": another NAT is in between",
                    behindAnotherNat(seen.get().getAddress().getHostAddress()));
        }
        return now;
    }

    private void guarded() {
        try {
            attempt();
        } catch (RuntimeException e) {
            log.error("port mapping failed; trying again in {} s", config.retry().toSeconds(), e);
            later(this::guarded, config.retry());
        }
    }

    /** Finds a router that maps, maps both ports, and plans the renewal; or says why not and plans a retry. */
    private void attempt() {
        mappings.clear();
        protocol = null;
        router = DefaultGateway.find().orElse(null);
        InetAddress local = localAddress(router);
        if (local != null && isPublic(local)) {
            set(new Reachability(Reachability.State.PUBLIC, null, local.getHostAddress(), tcpPort, udpPort,
                    "this computer has the public address " + local.getHostAddress() + "; no router to ask",
                    "if peers cannot connect, let TCP port " + tcpPort + (udpPort > 0 ? " and UDP port " + udpPort : "")
                            + " through this computer's firewall"));
            return;
        }
        List<String> tried = new ArrayList<>();
        for (Method method : config.methods()) {
            if (method == Method.NATPMP && config.methods().contains(Method.PCP) && tried.stream().anyMatch(t -> t.startsWith("PCP: not")
                    && !t.contains("unsupported version"))) {
                continue; // nothing answered PCP on 5351: NAT-PMP shares the port, it will not answer either
            }
            try {
                MappingProtocol candidate = open(method);
                if (candidate == null) {
                    tried.add(name(method) + ": no device answered");
                    continue;
                }
                List<Mapping> made = new ArrayList<>();
                made.add(candidate.map(Transport.TCP, tcpPort, config.lease(), null));
                if (udpPort > 0) {
                    made.add(candidate.map(Transport.UDP, udpPort, config.lease(), null));
                }
                protocol = candidate;
                mappings.addAll(made);
                externalAddress = made.get(0).external() != null ? made.get(0).external() : candidate.externalAddress().orElse(null);
                log.info("port mapping: {} forwards {} (outside address {})", candidate, made, externalAddress);
                set(mapped());
                renewLater();
                return;
            } catch (IOException e) {
                tried.add(name(method) + ": " + reason(e));
                log.debug("port mapping by {} failed: {}", method, e.toString());
            }
        }
        log.info("port mapping: no router mapped the ports ({}); trying again in {} s", String.join("; ", tried),
                config.retry().toSeconds());
        set(new Reachability(Reachability.State.NOT_MAPPED, null, null, tcpPort, udpPort,
                "no router forwarded the ports (" + String.join("; ", tried) + ")", forwardByHand(local)));
        later(this::guarded, config.retry());
    }

    private MappingProtocol open(Method method) throws IOException {
        return switch (method) {
            case PCP, NATPMP -> {
                if (router == null) {
                    throw new IOException("no default gateway to ask");
                }
                UdpExchange exchange = new UdpExchange(router, UdpExchange.PORT, config.tries());
                yield method == Method.PCP ? new Pcp(exchange) : new NatPmp(exchange);
            }
            case UPNP -> UpnpIgd.discover(router, config.search()).orElse(null);
        };
    }

    private Reachability mapped() {
        Mapping tcp = mappings.get(0);
        int udp = mappings.size() > 1 ? mappings.get(1).externalPort() : 0;
        String outside = externalAddress == null ? null : externalAddress.getHostAddress();
        String how = "TCP " + tcp.externalPort() + (udp > 0 ? " and UDP " + udp : "") + " forwarded by " + protocol.name()
                + (router != null ? " at " + router.getHostAddress() : "")
                + (outside != null ? "; outside address " + outside : "")
                + (tcp.lease().isZero() ? "; permanent lease, refreshed every 30 min" : "; lease " + tcp.lease().toSeconds() + " s, renewed at half");
        if (externalAddress != null && !isPublic(externalAddress)) {
            return new Reachability(Reachability.State.NOT_MAPPED, protocol.name(), outside, tcp.externalPort(), udp,
                    how + ", which is not a public address", behindAnotherNat(outside));
        }
        if (tcp.externalPort() != tcpPort) {
            return new Reachability(Reachability.State.NOT_MAPPED, protocol.name(), outside, tcp.externalPort(), udp,
                    how + ", but peers are told port " + tcpPort,
                    "another device holds port " + tcpPort + " on the router: restart with another --peer-port");
        }
        return new Reachability(Reachability.State.MAPPED, protocol.name(), outside, tcp.externalPort(), udp, how, null);
    }

    private void renewLater() {
        Duration shortest = mappings.stream().map(Mapping::lease).filter(l -> !l.isZero()).min(Duration::compareTo)
                .orElse(Duration.ofMinutes(60));
        later(this::renew, shortest.dividedBy(2));
    }

    private void renew() {
        try {
            List<Mapping> renewed = new ArrayList<>();
            for (Mapping mapping : mappings) {
                renewed.add(protocol.map(mapping.transport(), mapping.internalPort(), config.lease(), mapping));
            }
            mappings.clear();
            mappings.addAll(renewed);
            log.debug("port mapping renewed: {}", renewed);
            set(mapped());
            renewLater();
        } catch (IOException e) {
            log.info("port mapping: renewing with {} failed ({}); looking for a router again", protocol.name(), e.toString());
            guarded();
        } catch (RuntimeException e) {
            log.error("port mapping renewal failed", e);
            guarded();
        }
    }

    private void later(Runnable task, Duration delay) {
        try {
            scheduler.schedule(task, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    private void set(Reachability now) {
        reachability = now;
    }

    /** Removes the mappings (within a few seconds), so the router does not forward to a closed port. */
    @Override
    public void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("port mapping: still busy after 10 s; leaving the mappings to expire");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (Mapping mapping : mappings) {
            try {
                protocol.unmap(mapping);
                log.info("port mapping removed: {} {}", mapping.transport(), mapping.externalPort());
            } catch (IOException e) {
                log.info("port mapping: could not remove {} {} ({}); it expires with its lease", mapping.transport(),
                        mapping.externalPort(), e.toString());
            }
        }
        mappings.clear();
        reachability = Reachability.unknown("the engine stopped", null);
    }

    private String forwardByHand(InetAddress local) {
        return "turn on UPnP or NAT-PMP in your router, or forward TCP port " + tcpPort
                + (udpPort > 0 ? " and UDP port " + udpPort : "") + " to this computer"
                + (local != null ? " (" + local.getHostAddress() + ")" : "")
                + "; or let an always-on server seed your sites ('bitweb serve' on a VPS). You can still reach "
                + "peers that are reachable; peers behind NAT like you cannot reach you";
    }

    private static String behindAnotherNat(String outside) {
        return "your router's outside address " + outside + " is itself behind another NAT (your provider's, or a "
                + "second router): peers cannot connect. Forward the port on the outer router too, ask your provider for "
                + "a public IPv4 address, or let a server seed your sites ('bitweb serve' on a VPS)";
    }

    private static String reason(IOException e) {
        if (e instanceof SocketTimeoutException || e instanceof PortUnreachableException) {
            return "not answered";
        }
        return e.getMessage();
    }

    private static String name(Method method) {
        return switch (method) {
            case PCP -> "PCP";
            case NATPMP -> "NAT-PMP";
            case UPNP -> "UPnP IGD";
        };
    }

    private static String names(List<Method> methods) {
        return String.join(", ", methods.stream().map(PortMapper::name).toList());
    }

    private static InetAddress localAddress(InetAddress router) {
        try {
            // no packet is sent: the kernel only picks the route and the source address
            return UpnpIgd.localAddressToward(router != null ? router : InetAddress.getByName("192.0.2.1"), 9);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A global unicast IPv4 address: not private, shared (CGNAT), loopback, link-local or a test range. */
    static boolean isPublic(InetAddress address) {
        if (!(address instanceof Inet4Address) || address.isAnyLocalAddress() || address.isLoopbackAddress()
                || address.isSiteLocalAddress() || address.isLinkLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        return !(a0 == 0 || a0 >= 240 || (a0 == 100 && a1 >= 64 && a1 < 128) || (a0 == 198 && (a1 == 18 || a1 == 19))
                || (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 2) || (a0 == 198 && a1 == 51 && (b[2] & 0xff) == 100)
                || (a0 == 203 && a1 == 0 && (b[2] & 0xff) == 113));
    }
}
