package org.bitweb.discovery;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;
import org.bitweb.address.Hex;
import org.bitweb.log.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Local peer discovery (BEP 14) that tells the LAN only about the sites this engine shares.
 *
 * <p>bt's own implementation announces every torrent of the runtime, visited sites included, so
 * BitWeb switches it off and runs this instead:
 * <ul>
 * <li><b>Announcing</b>: the torrents the sharing policy names (published, or "seed this site")
 * are multicast as {@code BT-SEARCH} announces to 239.192.152.143:6771 (and [ff15::efc0:988f]:6771
 * when the peer port listens on every address), with TTL 1, from the peer port's address, on each
 * interface it listens on. A site is announced within a second of being shared, then once per
 * {@link #INTERVAL}, never more often; several sites go into one datagram of at most 1400 bytes.
 * <li><b>Listening</b> is passive and reveals nothing: announces heard from the LAN are kept
 * for {@link #PEER_TTL} (bounded: {@link #MAX_TORRENTS} torrents, {@link #MAX_PEERS} peers each),
 * and bt's peer discovery round picks them up for any torrent it runs, visited ones included. Our
 * own announces, looped back by multicast, carry our cookie and are ignored, and so is any
 * datagram that is not a valid announce.
 * </ul>
 * Nothing runs until {@link #start()}; the engine does not start it through a SOCKS5 proxy, on a
 * loopback-only peer port, or when the user turned the setting off.
 */
public final class LanDiscovery implements PeerSourceFactory, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LanDiscovery.class);

    static final int PORT = 6771;
    static final Group IPV4 = new Group(StandardProtocolFamily.INET,
            ip(239, 192, 152, 143), "239.192.152.143:" + PORT, "IPv4");
    static final Group IPV6 = new Group(StandardProtocolFamily.INET6,
            ip(0xff, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xef, 0xc0, 0x98, 0x8f), "[ff15::efc0:988f]:" + PORT, "IPv6");
    /** How often each shared site is announced: BEP 14 asks for no more than once a minute. */
    static final Duration INTERVAL = Duration.ofMinutes(1);
    /** How long a heard peer is offered: other clients announce every 5 minutes (BEP 14). */
    static final Duration PEER_TTL = Duration.ofMinutes(11);
    static final int MAX_TORRENTS = 256;
    static final int MAX_PEERS = 16;
    private static final long TICK_MILLIS = 1000;
    private static final long REFRESH_MILLIS = 30_000;
    /** Receive errors in a row (not a closed channel) after which a listener gives up. */
    private static final int MAX_RECEIVE_ERRORS = 100;

    /** A multicast group of BEP 14. */
    record Group(ProtocolFamily family, InetSocketAddress address, String host, String name) {
        Group(ProtocolFamily family, InetAddress group, String host, String name) {
            this(family, new InetSocketAddress(group, PORT), host, name);
        }

        InetAddress any() {
            return family == StandardProtocolFamily.INET ? ip(0, 0, 0, 0) : ip(new int[16]);
        }
    }

    private final Supplier<Collection<TorrentId>> shared;
    private final int peerPort;
    private final InetAddress bind;
    private final String cookie;
    private final Schedule schedule = new Schedule(INTERVAL.toMillis());
    private final java.util.concurrent.atomic.AtomicLong datagramsSent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong bytesSent = new java.util.concurrent.atomic.AtomicLong();
    private final Heard heard = new Heard(MAX_TORRENTS, MAX_PEERS, PEER_TTL.toMillis());
    private final ScheduledExecutorService timer = Threads.scheduler("lan-discovery", 1);
    private final List<Link> links = new ArrayList<>();
    private ScheduledFuture<?> ticking;
    private long lastRefresh;
    private volatile boolean running;

    /**
     * @param shared   the torrents this engine shares now (asked every second)
     * @param peerPort the BitTorrent port to announce
     * @param bind     the address the peer port listens on: announces go out from it, on its
     *                 interface; the wildcard address means every multicast-capable interface
     */
    public LanDiscovery(Supplier<Collection<TorrentId>> shared, int peerPort, InetAddress bind) {
        this.shared = shared;
        this.peerPort = peerPort;
        this.bind = bind;
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        this.cookie = Hex.encode(random); // new each run: links one run's announces, no more
    }

    String cookie() {
        return cookie;
    }

    public boolean running() {
        return running;
    }

    /**
     * Joins the groups and starts announcing and listening.
     *
     * @return whether it runs: false when no group could be joined (the reason is logged)
     */
    public synchronized boolean start() {
        if (running) {
            return true;
        }
        if (timer.isShutdown()) {
            return false;
        }
        List<Group> groups = bind.isAnyLocalAddress() ? List.of(IPV4, IPV6)
                : List.of(bind instanceof Inet4Address ? IPV4 : IPV6);
        for (Group group : groups) {
            try {
                links.add(new Link(group));
            } catch (IOException | RuntimeException e) {
                // IPv6 missing on a host is ordinary; port 6771 held by another program is worth a word
                if (group == IPV6 && bind.isAnyLocalAddress()) {
                    log.debug("LAN discovery without IPv6: {}", e.toString());
                } else {
                    log.warn("LAN discovery cannot use {} UDP {} ({}); another BitTorrent program may hold the port",
                            group.name(), PORT, e.toString());
                }
            }
        }
        if (links.isEmpty()) {
            return false;
        }
        running = true;
        lastRefresh = now();
        links.forEach(Link::refresh);
        links.forEach(Link::listen);
        ticking = timer.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        log.info("LAN discovery (BEP 14) on: shared sites are announced to the LAN on {}; announces heard are used for every site",
                describeLinks());
        return true;
    }

    /** Stops announcing and listening and forgets the peers heard; announced sites stay due as before. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        ticking.cancel(false);
        links.forEach(Link::close);
        links.clear();
        heard.clear();
        log.info("LAN discovery off");
    }

    @Override
    public void close() {
        stop();
        timer.shutdownNow();
    }

    private synchronized void tick() {
        if (!running) {
            return;
        }
        try {
            long now = now();
            if (now - lastRefresh >= REFRESH_MILLIS) {
                lastRefresh = now;
                links.forEach(Link::refresh);
                heard.prune(now);
            }
            List<TorrentId> due = schedule.due(shared.get(), now);
            if (!due.isEmpty()) {
                List<String> infohashes = due.stream().map(t -> Hex.encode(t.getBytes())).toList();
                links.forEach(link -> link.announce(infohashes));
            }
        } catch (RuntimeException e) {
            log.warn("LAN discovery round failed: {}", e.toString());
        }
    }

    /** Announces sent since start: {datagrams, UDP payload bytes}, for the traffic budget (docs/TUNING.md). */
    public long[] sent() {
        return new long[]{datagramsSent.get(), bytesSent.get()};
    }

    /** A datagram from the LAN: a valid announce from someone else adds its sender as a peer of each torrent it names. */
    void heard(InetSocketAddress source, byte[] data, int length, long now) {
        LanAnnounce announce = LanAnnounce.parse(data, 0, length).orElse(null);
        if (announce == null) {
            log.trace("ignored a datagram from {} that is no BEP 14 announce", source);
            return;
        }
        if (cookie.equals(announce.cookie())) {
            return; // ours, looped back
        }
        InetAddress from = source.getAddress();
        if (from == null || from.isAnyLocalAddress() || from.isMulticastAddress()) {
            return;
        }
        InetSocketAddress peer = new InetSocketAddress(from, announce.port());
        for (String infohash : announce.infohashes()) {
            heard.add(TorrentId.fromBytes(Hex.decode(infohash)), peer, now);
        }
        if (log.isDebugEnabled()) {
            log.debug("LAN announce from {} for {} torrent(s)", peer, announce.infohashes().size());
        }
    }

    /** Peers heard for a torrent and not yet expired at {@code now}. */
    List<InetSocketAddress> heardPeers(TorrentId torrent, long now) {
        return heard.peers(torrent, now);
    }

    @Override
    public PeerSource getPeerSource(TorrentId torrentId) {
        return source(() -> running ? heard.peers(torrentId, now()) : List.of());
    }

    /** A bt peer source that offers, on every discovery round, the peers {@code peers} gives then. */
    static PeerSource source(Supplier<List<InetSocketAddress>> peers) {
        return new PeerSource() {
            private List<InetSocketAddress> found = List.of();

            @Override
            public boolean update() {
                found = peers.get();
                return !found.isEmpty();
            }

            @Override
            public Collection<Peer> getPeers() {
                // bt removes entries while it reads them: it needs a mutable list
                Collection<Peer> list = new ArrayList<>();
                found.forEach(a -> list.add(InetPeer.build(a.getAddress(), a.getPort())));
                return list;
            }
        };
    }

    private String describeLinks() {
        List<String> names = new ArrayList<>();
        for (Link link : links) {
            names.add(link.group.name() + " " + link.joined.keySet());
        }
        return String.join(", ", names);
    }

    private static long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** The interfaces to announce and listen on for one group. */
    List<NetworkInterface> interfaces(Group group) throws SocketException {
        if (!bind.isAnyLocalAddress()) {
            NetworkInterface own = NetworkInterface.getByInetAddress(bind);
            return own != null && own.isUp() && own.supportsMulticast() ? List.of(own) : List.of();
        }
        List<NetworkInterface> list = new ArrayList<>();
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!i.isUp() || !i.supportsMulticast() || i.isLoopback() || i.isPointToPoint() || i.isVirtual()) {
                continue;
            }
            boolean family = Collections.list(i.getInetAddresses()).stream().anyMatch(a ->
                    group.family() == StandardProtocolFamily.INET ? a instanceof Inet4Address : a instanceof Inet6Address);
            if (family) {
                list.add(i);
            }
        }
        return list;
    }

    /** One group: a socket listening on UDP 6771 and one sending from the peer port's address. */
    private final class Link {
        final Group group;
        final DatagramChannel receiver;
        final DatagramChannel sender;
        final Map<String, MembershipKey> joined = new LinkedHashMap<>();
        final Map<String, NetworkInterface> interfaces = new LinkedHashMap<>();

        Link(Group group) throws IOException {
            this.group = group;
            DatagramChannel rx = DatagramChannel.open(group.family());
            DatagramChannel tx = null;
            try {
                rx.setOption(StandardSocketOptions.SO_REUSEADDR, true); // other clients on this machine listen too
                rx.bind(new InetSocketAddress(group.any(), PORT));
                tx = DatagramChannel.open(group.family());
                tx.bind(new InetSocketAddress(bind.isAnyLocalAddress() ? group.any() : bind, 0));
                tx.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1); // this network segment only
                tx.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true); // engines on this machine
            } catch (IOException | RuntimeException e) {
                rx.close();
                if (tx != null) {
                    tx.close();
                }
                throw e;
            }
            this.receiver = rx;
            this.sender = tx;
        }

        /** Joins the group on interfaces that came up, leaves it on those that went away. */
        void refresh() {
            List<NetworkInterface> now;
            try {
                now = interfaces(group);
            } catch (SocketException e) {
                log.debug("cannot list network interfaces: {}", e.toString());
                return;
            }
            Map<String, NetworkInterface> wanted = new LinkedHashMap<>();
            now.forEach(i -> wanted.put(i.getName(), i));
            for (Iterator<Map.Entry<String, MembershipKey>> it = joined.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, MembershipKey> entry = it.next();
                if (!wanted.containsKey(entry.getKey())) {
                    entry.getValue().drop();
                    interfaces.remove(entry.getKey());
                    it.remove();
                }
            }
            for (NetworkInterface i : now) {
                if (joined.containsKey(i.getName())) {
                    continue;
                }
                try {
                    joined.put(i.getName(), receiver.join(group.address().getAddress(), i));
                    interfaces.put(i.getName(), i);
                } catch (IOException | RuntimeException e) {
                    log.debug("cannot join the {} LAN discovery group on {}: {}", group.name(), i.getName(), e.toString());
                }
            }
            if (joined.isEmpty()) {
                log.debug("LAN discovery: no multicast-capable interface for {} now", group.name());
            }
        }

        void announce(List<String> infohashes) {
            List<byte[]> datagrams = LanAnnounce.format(group.host(), peerPort, infohashes, cookie);
            for (NetworkInterface i : interfaces.values()) {
                try {
                    sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, i);
                    for (byte[] datagram : datagrams) {
                        sender.send(ByteBuffer.wrap(datagram), group.address());
                        datagramsSent.incrementAndGet();
                        bytesSent.addAndGet(datagram.length);
                    }
                } catch (IOException | RuntimeException e) {
                    log.debug("LAN announce on {} failed: {}", i.getName(), e.toString());
                }
            }
            log.debug("announced {} shared site(s) to the LAN ({}, {} interface(s))", infohashes.size(), group.name(),
                    interfaces.size());
        }

        void listen() {
            Threads.thread("lan-discovery-" + group.name(), true, this::receive).start();
        }

        private void receive() {
            // one byte more than the longest datagram accepted, so a longer one shows (and is refused)
            ByteBuffer buffer = ByteBuffer.allocate(LanAnnounce.MAX_DATAGRAM + 1);
            int errors = 0;
            while (receiver.isOpen()) {
                buffer.clear();
                SocketAddress from;
                try {
                    from = receiver.receive(buffer);
                    errors = 0;
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    if (++errors >= MAX_RECEIVE_ERRORS) {
                        log.warn("LAN discovery stops listening on {}: {}", group.name(), e.toString());
                        return;
                    }
                    continue;
                }
                if (from instanceof InetSocketAddress source) {
                    try {
                        heard(source, buffer.array(), buffer.position(), now());
                    } catch (RuntimeException e) {
                        log.debug("LAN datagram from {} dropped: {}", source, e.toString());
                    }
                }
            }
        }

        void close() {
            try {
                receiver.close(); // ends receive()
            } catch (IOException e) {
                log.debug("close: {}", e.toString());
            }
            try {
                sender.close();
            } catch (IOException e) {
                log.debug("close: {}", e.toString());
            }
        }
    }

    /**
     * When each shared torrent is due: at once when it is first seen shared, then every interval,
     * never sooner (also not when it stops and starts being shared within the interval).
     */
    static final class Schedule {
        private final long intervalMillis;
        private final Map<TorrentId, Long> announced = new HashMap<>();

        Schedule(long intervalMillis) {
            this.intervalMillis = intervalMillis;
        }

        /** The torrents of {@code shared} to announce at {@code now}; they count as announced then. */
        synchronized List<TorrentId> due(Collection<TorrentId> shared, long now) {
            announced.values().removeIf(at -> now - at >= intervalMillis);
            List<TorrentId> due = new ArrayList<>();
            for (TorrentId torrent : shared) {
                if (announced.putIfAbsent(torrent, now) == null) {
                    due.add(torrent);
                }
            }
            return due;
        }
    }

    /**
     * Peers heard per torrent, newest last, bounded: the least recently heard or asked-for torrent
     * and a torrent's oldest peer go first, and a peer not heard again for the time to live expires.
     */
    static final class Heard {
        private final int maxTorrents;
        private final int maxPeers;
        private final long ttlMillis;
        private final LinkedHashMap<TorrentId, LinkedHashMap<InetSocketAddress, Long>> torrents =
                new LinkedHashMap<>(16, 0.75f, true);

        Heard(int maxTorrents, int maxPeers, long ttlMillis) {
            this.maxTorrents = maxTorrents;
            this.maxPeers = maxPeers;
            this.ttlMillis = ttlMillis;
        }

        synchronized void add(TorrentId torrent, InetSocketAddress peer, long now) {
            LinkedHashMap<InetSocketAddress, Long> peers = torrents.computeIfAbsent(torrent, t -> new LinkedHashMap<>());
            peers.remove(peer);
            peers.put(peer, now);
            Iterator<InetSocketAddress> oldest = peers.keySet().iterator();
            while (peers.size() > maxPeers) {
                oldest.next();
                oldest.remove();
            }
            Iterator<TorrentId> least = torrents.keySet().iterator();
            while (torrents.size() > maxTorrents) {
                least.next();
                least.remove();
            }
        }

        synchronized List<InetSocketAddress> peers(TorrentId torrent, long now) {
            LinkedHashMap<InetSocketAddress, Long> peers = torrents.get(torrent);
            if (peers == null) {
                return List.of();
            }
            peers.values().removeIf(at -> now - at >= ttlMillis);
            if (peers.isEmpty()) {
                torrents.remove(torrent);
                return List.of();
            }
            return List.copyOf(peers.keySet());
        }

        synchronized void prune(long now) {
            torrents.values().removeIf(peers -> {
                peers.values().removeIf(at -> now - at >= ttlMillis);
                return peers.isEmpty();
            });
        }

        synchronized int torrents() {
            return torrents.size();
        }

        synchronized void clear() {
            torrents.clear();
        }
    }

    private static InetAddress ip(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        try {
            return InetAddress.getByAddress(raw); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
