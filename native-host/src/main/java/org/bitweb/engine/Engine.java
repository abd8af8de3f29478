package org.bitweb.engine;

import org.bitweb.bt.DistinctFiles;
import org.bitweb.bt.PeerListener;
import org.bitweb.bt.TransferModule;
import org.bitweb.bt.Tuning;
import org.bitweb.discovery.LanDiscovery;
import org.bitweb.discovery.PeerHints;
import org.bitweb.fetch.AssignmentNudge;
import org.bitweb.fetch.RemoteSite;
import org.bitweb.privacy.PrivacyModule;
import org.bitweb.privacy.ProxyModule;
import org.bitweb.privacy.SharingPolicy;
import org.bitweb.site.FastResume;
import org.bitweb.site.LocalSiteView;
import org.bitweb.site.Publisher;
import org.bitweb.site.SafeStorage;
import org.bitweb.site.SiteFiles;
import org.bitweb.site.SiteStats;
import org.bitweb.site.SiteStatus;
import org.bitweb.site.VersionReuse;
import org.bitweb.updates.CopiesElsewhere;
import org.bitweb.updates.ItemExchange;
import org.bitweb.updates.KeySites;
import bt.Bt;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.Config;
import bt.data.ChunkVerifier;
import org.bitweb.dht.DhtConfig;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.DhtPeerSourceFactory;
import bt.module.ServiceModule;
import org.bitweb.gateway.SiteSource;
import java.time.Duration;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.Gateway;
import org.bitweb.gateway.SiteView;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The per-user engine: the torrent session (one bt runtime, one client per site), the store and
 * the gateway. Everything the browser, the CLI and {@code bitweb serve} do goes through one
 * instance of this class in one process per user.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final StateDir dir;
    private final SiteStore store;
    private final BtRuntime runtime;
    private final Gateway gateway;
    private final int peerPort;
    private final Map<String, BtClient> clients = new ConcurrentHashMap<>();
    private final Map<String, SiteStats> stats = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<InetAddress>> peerAddresses = new ConcurrentHashMap<>();
    private final Map<String, LocalSiteView> views = new ConcurrentHashMap<>();
    private final List<Consumer<SiteStatus>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, RemoteSite> remote = new ConcurrentHashMap<>();
    private final Map<String, Long> remoteStarted = new ConcurrentHashMap<>();
    private final PeerHints hints;
    private final LanDiscovery lan;
    private final EngineOptions options;

    private final FastResume resume;
    private final java.util.concurrent.ScheduledExecutorService maintenance =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "maintenance");
                t.setDaemon(true);
                return t;
            });
    private final SharingPolicy sharing;
    private DhtNode dht;
    /** The DHT's peer sources, or null without a DHT: a removed site's lookups are forgotten. */
    private DhtPeerSourceFactory dhtPeers;
    private PeerListener listener;
    private AssignmentNudge nudge;
    private KeySites keySites;

    private Engine(StateDir dir, SiteStore store, BtRuntime runtime, Gateway gateway, int peerPort, PeerHints hints,
                   FastResume resume, SharingPolicy sharing, EngineOptions options, LanDiscovery lan) {
        this.lan = lan;
        this.resume = resume;
        this.sharing = sharing;
        this.hints = hints;
        this.options = options;
        this.dir = dir;
        this.store = store;
        this.runtime = runtime;
        this.gateway = gateway;
        this.peerPort = peerPort;
    }

    /** Starts the engine: gateway first (its port is what users need), then seeding every site in the list. */
    public static Engine start(StateDir dir, EngineOptions options) throws IOException {
        dir.create();
        Publisher.cleanStaging(dir);
        SiteStore store = SiteStore.open(dir);
        // through a proxy nobody outside can reach us anyway: listen on loopback only
        InetAddress bind = options.socks5Proxy() != null ? InetAddress.getLoopbackAddress() : options.peerBind();
        PeerListener listener = PeerListener.bind(bind, options.peerPort());
        int peerPort = listener.port();

        Config config = new Config();
        config.setAcceptorAddress(bind);
        config.setAcceptorPort(peerPort);
        // Peers named by the user are fed to bt on each discovery round; a short round makes a
        // newly found peer count at once instead of after bt's default 5 s.
        config.setPeerDiscoveryInterval(Duration.ofSeconds(1));
        Tuning.apply(config);
        PeerHints hints = new PeerHints();
        FastResume resume = new FastResume(config.getNumOfHashingThreads());
        SharingPolicy sharing = new SharingPolicy();
        // BEP 14 on the LAN, announcing only shared sites; its sockets open in lanDiscovery(...)
        LanDiscovery lan = new LanDiscovery(sharing::snapshot, peerPort, bind);
        var builder = BtRuntime.builder(config);
        ItemExchange items = new ItemExchange();
        // bt's peer registry, once the runtime exists: peers found between its rounds are taken at once
        java.util.concurrent.atomic.AtomicReference<bt.peer.IPeerRegistry> registry = new java.util.concurrent.atomic.AtomicReference<>();
        AssignmentNudge nudge = new AssignmentNudge();
        CopiesElsewhere copies = new CopiesElsewhere();
        DhtNode dht = null;
        DhtPeerSourceFactory dhtPeers = null;
        if (options.dht() != null && options.socks5Proxy() == null) {
            DhtConfig dhtConfig = options.dht().stateFile() == null
                    ? options.dht().withStateFile(dir.root().resolve("dht-nodes.json")) : options.dht();
            try {
                dht = DhtNode.start(dhtConfig);
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
            // announce only sites this engine shares; every other lookup reveals nothing
            DhtPeerSourceFactory peers = new DhtPeerSourceFactory(dht, sharing::shares, peerPort);
            peers.onPeersFound(torrent -> registry.get().triggerPeerCollection(torrent));
            builder.module(peers.module());
            dhtPeers = peers;
            log.info("DHT node on UDP {}:{}", dht.localAddress().getAddress().getHostAddress(), dht.localAddress().getPort());
        }
        if (options.socks5Proxy() != null) {
            builder.module(new ProxyModule(options.socks5Proxy()));
            log.info("peer connections go through the SOCKS5 proxy {}; the DHT is off", options.socks5Proxy());
        }
        builder.module(binder -> ServiceModule.extend(binder).addPeerSourceFactory(lan));
        BtRuntime runtime = builder
                .module(new PrivacyModule(sharing))
                .module(new TransferModule())
                .module(listener.module())
                .module(binder -> {
                    ServiceModule.extend(binder).addPeerSourceFactory(hints);
                    // key sites: peers pass each other the newest signed item (BEP 10)
                    ServiceModule.extend(binder).addMessagingAgent(items);
                    // a page asked for starts downloading at once, not after bt's piece timeout
                    ServiceModule.extend(binder).addMessagingAgent(nudge);
                    bt.module.ProtocolModule.extend(binder).addExtendedMessageHandler(
                            org.bitweb.updates.ItemMessage.NAME, new org.bitweb.updates.ItemMessageHandler());
                    // key sites: which versions other peers hold in full (their older versions can go)
                    bt.module.ProtocolModule.extend(binder).addHandshakeHandler(copies);
                    binder.bind(ChunkVerifier.class).toInstance(resume); // overrides bt's hashing verifier
                    // pad files of one length share a name, which bt 1.10 cannot tell apart
                    binder.bind(bt.metainfo.IMetadataService.class).toInstance(new DistinctFiles());
                })
                .disableLocalServiceDiscovery() // bt's announces every torrent, visited ones too: LanDiscovery instead
                .disableAutomaticShutdown()     // sites come and go; the runtime lives as long as the engine
                .build();

        Engine[] self = new Engine[1];
        Gateway gateway = new Gateway(new SiteSource() {
            @Override
            public Optional<SiteView> site(SiteAddress address) {
                return self[0].siteView(address);
            }

            @Override
            public Lookup fetch(SiteAddress address, Duration wait) {
                return self[0].fetch(address, List.of(), wait);
            }
        }, options.gatewayPort());
        try {
            gateway.start();
        } catch (IOException e) {
            runtime.shutdown();
            listener.close();
            if (dht != null) {
                dht.close();
            }
            throw new IOException("the gateway cannot listen on 127.0.0.1:" + options.gatewayPort()
                    + " (" + e.getMessage() + "); another BitWeb or program may use it: stop it or pass --gateway-port 0", e);
        }
        registry.set(runtime.service(bt.peer.IPeerRegistry.class));
        Engine engine = new Engine(dir, store, runtime, gateway, peerPort, hints, resume, sharing, options, lan);
        engine.dht = dht;
        engine.dhtPeers = dhtPeers;
        engine.listener = listener;
        // accept peers from now on, not only once the first site starts
        runtime.startup();
        engine.keySites = new KeySites(engine, org.bitweb.updates.MutableStore.open(dir),
                org.bitweb.keys.KeyRing.of(dir), dht);
        items.attach(engine.keySites);
        runtime.getEventSource().onPeerDisconnected(null, e -> {
            items.disconnected(e.getConnectionKey());
            nudge.disconnected(e.getConnectionKey());
        });
        engine.nudge = nudge;
        copies.listen(runtime.getEventSource());
        engine.keySites.watch(copies);
        self[0] = engine;
        for (SiteRecord site : store.list()) {
            try {
                if (!site.published() && site.seeding()) {
                    RemoteSite remote = engine.remoteSite(site.infohash(), List.of());
                    sharing.share(remote.torrentId());
                    remote.keepWholeSite(true);
                    continue;
                }
                engine.activate(site);
            } catch (IOException | RuntimeException e) {
                log.error("cannot start site {}: {}", site.infohash(), e.toString());
            }
        }
        engine.keySites.start();
        engine.maintenance.scheduleWithFixedDelay(engine::enforceStorageLimit, 1, 1, java.util.concurrent.TimeUnit.MINUTES);
        engine.lanDiscovery(options.lanDiscovery());
        log.info("engine up: gateway {}, peer port {}, {} sites", gateway.address(), peerPort, store.list().size());
        return engine;
    }

    /**
     * Turns local peer discovery (BEP 14) on or off, at once. It stays off through a SOCKS5 proxy
     * (multicast cannot go through it, and announcing would reveal the address the proxy hides)
     * and when the peer port listens on loopback only (nobody on the LAN could connect).
     *
     * @return whether it runs now
     */
    public boolean lanDiscovery(boolean on) {
        if (on && options.socks5Proxy() != null) {
            log.info("LAN discovery is off: peer connections go through a SOCKS5 proxy");
        } else if (on && options.peerBind().isLoopbackAddress()) {
            log.debug("LAN discovery is off: the peer port listens on loopback only");
        } else if (on) {
            return lan.start();
        }
        lan.stop();
        return false;
    }

    /** Whether local peer discovery (BEP 14) runs. */
    public boolean lanDiscoveryRunning() {
        return lan.running();
    }

    public String gatewayAddress() {
        return gateway.address();
    }

    /** Addresses of the peers connected for a seeded site, as of the last report (about every second). */
    public java.util.Set<InetAddress> peerAddresses(String infohash) {
        return peerAddresses.getOrDefault(infohash, java.util.Set.of());
    }

    /** The DHT node, if this engine runs one. */
    public Optional<DhtNode> dht() {
        return Optional.ofNullable(dht);
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public int peerPort() {
        return peerPort;
    }

    public StateDir stateDir() {
        return dir;
    }

    /** Publishes a folder and starts seeding it at once. */
    public SiteStatus publish(Path folder, Publisher.Progress progress) throws IOException {
        SiteRecord record = Publisher.publish(dir, store, folder, progress);
        recordAllVerified(record.infohash());
        activate(record);
        return status(record);
    }

    public List<SiteStatus> sites() {
        List<SiteStatus> list = new ArrayList<>();
        for (SiteRecord record : store.list()) {
            list.add(status(record));
        }
        return keySites.merge(list);
    }

    /** The torrent an address reads now: itself, or an updatable site's current version. */
    private SiteAddress torrentOf(SiteAddress address) {
        if (address.kind() == SiteAddress.Kind.INFOHASH) {
            return address;
        }
        return keySites.currentVersion(address).map(ih -> new SiteAddress(SiteAddress.Kind.INFOHASH, ih)).orElse(address);
    }

    /** Peers connected for a site being fetched: hints for its next version, which they likely have too. */
    public List<InetSocketAddress> connectedPeers(String infohash) {
        RemoteSite site = remote.get(infohash);
        return site == null ? List.of() : site.connectedPeers();
    }

    /** Updatable sites: publishing under a key, resolving, keeping items alive (docs/UPDATES.md). */
    public KeySites keySites() {
        return keySites;
    }

    public java.time.Duration metadataTimeout() {
        return options.metadataTimeout();
    }

    public Optional<SiteStatus> site(String infohash) {
        return store.get(infohash).map(this::status);
    }

    /** Called with a site's status whenever its torrent session reports. */
    public void onSiteUpdate(Consumer<SiteStatus> listener) {
        listeners.add(listener);
    }

    private SiteStatus status(SiteRecord record) {
        RemoteSite site = remote.get(record.infohash());
        SiteStats now = site != null ? site.stats() : stats.getOrDefault(record.infohash(), SiteStats.NONE);
        return SiteStatus.of(record, now, record.published());
    }

    public Optional<SiteView> siteView(SiteAddress address) {
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            return keySites.view(address);
        }
        SiteView local = views.get(address.hex());
        if (local != null) {
            return Optional.of(local);
        }
        RemoteSite site = remote.get(address.hex());
        return site != null && site.stage() == RemoteSite.Stage.READY ? Optional.of(site) : Optional.empty();
    }

    /**
     * Finds a site, starting to fetch it from the swarm if this engine does not have it, and waits
     * up to {@code wait} for its file list.
     *
     * @param peers peers to ask first (a magnet link's hints); the DHT finds the others
     */
    public SiteSource.Lookup fetch(SiteAddress address, List<InetSocketAddress> peers, Duration wait) {
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            return keySites.fetch(address, peers, wait);
        }
        String ih = address.hex();
        SiteView local = views.get(ih);
        if (local != null) {
            return new SiteSource.Lookup.Ready(local);
        }
        RemoteSite site;
        try {
            site = remoteSite(ih, peers);
        } catch (IOException | RuntimeException e) {
            // which sites a person visits stays out of the log above debug level
            log.warn("cannot start fetching a site: {}", e.toString());
            log.debug("... the site was {}", ih);
            return new SiteSource.Lookup.Unknown("BitWeb could not start fetching this site: " + e.getMessage());
        }
        try {
            site.awaitMetadata(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        switch (site.stage()) {
            case READY:
                touch(ih);
                return new SiteSource.Lookup.Ready(site);
            case FAILED:
                forgetRemote(ih, site);
                return new SiteSource.Lookup.Unknown("This site could not be fetched: " + site.failure()
                        + ". Reload to try again.");
            default:
                long started = remoteStarted.getOrDefault(ih, System.currentTimeMillis());
                if (System.currentTimeMillis() - started > options.metadataTimeout().toMillis()) {
                    forgetRemote(ih, site);
                    return new SiteSource.Lookup.Unknown("No peer sent this site's file list within "
                            + options.metadataTimeout().toSeconds() + " s: nobody reachable may be sharing it right now. "
                            + "Check the address, or reload later to try again.");
                }
                SiteStats now = site.stats();
                String stage = site.stage() == RemoteSite.Stage.FINDING_PEERS ? "looking for peers" : "fetching the file list";
                return new SiteSource.Lookup.Loading(stage, now.peers(), now.downloaded());
        }
    }

    private RemoteSite remoteSite(String ih, List<InetSocketAddress> peers) throws IOException {
        RemoteSite existing = remote.get(ih);
        if (existing != null) {
            hints.add(existing.torrentId(), peers);
            if (!peers.isEmpty()) {
                // the peers of the version on screen, for its update: asked now, not at bt's next round
                runtime.service(bt.peer.IPeerRegistry.class).triggerPeerCollection(existing.torrentId());
            }
            return existing;
        }
        synchronized (remote) {
            existing = remote.get(ih);
            if (existing != null) {
                return existing;
            }
            RemoteSite site = new RemoteSite(ih, dir.site(ih), runtime, resume, false, options.stallTimeout());
            hints.add(site.torrentId(), peers);
            remoteStarted.put(ih, System.currentTimeMillis());
            site.reuseFrom(info -> olderVersionsOnDisk(ih));
            nudge.register(site.torrentId(), site.picker());
            try {
                site.start(peers, info -> recordVisit(info));
            } catch (IOException | RuntimeException e) {
                // a site that did not start leaves nothing registered: the next request starts over
                hints.forget(site.torrentId());
                nudge.unregister(site.torrentId());
                remoteStarted.remove(ih);
                throw e;
            }
            remote.put(ih, site);
            log.debug("fetching site {} ({} peer hints)", ih, peers.size()); // which sites are visited is private: debug only
            return site;
        }
    }

    /** Older versions of the key site whose version {@code ih} is, that this machine has on disk, newest first. */
    private List<VersionReuse.Donor> olderVersionsOnDisk(String ih) {
        List<VersionReuse.Donor> donors = new java.util.ArrayList<>();
        for (String older : keySites.olderVersions(ih)) {
            Path torrent = dir.site(older).resolve(SiteFiles.TORRENT);
            try {
                if (Files.exists(torrent)) {
                    donors.add(new VersionReuse.Donor(TorrentInfo.parseTorrent(Files.readAllBytes(torrent)),
                            dir.site(older).resolve(SiteFiles.DATA)));
                }
            } catch (IOException | RuntimeException e) {
                log.debug("older version {} unreadable: {}", older, e.toString());
            }
        }
        return donors;
    }

    /** Notes a visit, to the minute: the storage limit evicts the least recently visited first. */
    private void touch(String ih) {
        long now = System.currentTimeMillis();
        store.get(ih).filter(r -> now - r.visited() > 60_000).ifPresent(r -> {
            try {
                store.put(r.withVisited(now));
            } catch (IOException e) {
                log.debug("cannot note the visit of {}: {}", ih, e.toString());
            }
        });
    }

    private volatile long storageLimit;

    /** Most bytes visited sites may take on disk; 0 for no limit. Enforced at once and every minute. */
    public void storageLimit(long bytes) {
        storageLimit = bytes;
        enforceStorageLimit();
    }

    /**
     * Removes the least recently visited sites until visitor data fits the limit. Published and
     * seeded sites are never evicted, nor a site read in the last minute (it is on screen).
     *
     * @return the sites removed
     */
    public synchronized List<String> enforceStorageLimit() {
        long limit = storageLimit;
        List<String> evicted = new ArrayList<>();
        if (limit <= 0) {
            return evicted;
        }
        List<SiteRecord> candidates = new ArrayList<>();
        long total = 0;
        Map<String, Long> sizes = new java.util.HashMap<>();
        for (SiteRecord record : store.list()) {
            if (!record.evictable()) {
                continue;
            }
            long size;
            try {
                size = Publisher.sizeOf(dir.site(record.infohash()));
            } catch (IOException e) {
                continue;
            }
            sizes.put(record.infohash(), size);
            total += size;
            candidates.add(record);
        }
        candidates.sort(java.util.Comparator.comparingLong(SiteRecord::visited));
        long now = System.currentTimeMillis();
        for (SiteRecord record : candidates) {
            if (total <= limit) {
                break;
            }
            RemoteSite open = remote.get(record.infohash());
            if (open != null && now - open.lastUsed() < 60_000) {
                continue;
            }
            try {
                total -= remove(record.infohash());
                evicted.add(record.infohash());
            } catch (IOException e) {
                log.warn("cannot evict a site: {}", e.toString());
            }
        }
        if (!evicted.isEmpty()) {
            log.info("storage limit: removed {} least recently visited site(s)", evicted.size());
        }
        return evicted;
    }

    private void recordVisit(TorrentInfo info) {
        try {
            if (store.get(info.infohash()).isEmpty()) {
                store.put(new SiteRecord(info.infohash(), info.name(), info.contentSize(), info.contentFiles().size(),
                        false, false, System.currentTimeMillis()));
                maintenance.execute(this::enforceStorageLimit);
            }
        } catch (IOException e) {
            log.warn("cannot record a visited site: {}", e.toString());
        }
    }

    private void forgetRemote(String ih, RemoteSite site) {
        remote.remove(ih, site);
        remoteStarted.remove(ih);
        hints.forget(site.torrentId());
        nudge.unregister(site.torrentId());
        if (dhtPeers != null) {
            dhtPeers.forget(site.torrentId());
        }
        site.stop();
    }

    /** Downloads every piece of a fetched site, not just what was asked for (bitweb get, "keep this site"). */
    public void keepWholeSite(SiteAddress address) {
        address = torrentOf(address);
        RemoteSite site = remote.get(address.hex());
        if (site != null) {
            site.keepWholeSite(true);
        }
    }

    /** Fraction of a fetched site's pieces verified, or 1 for a local site; empty if unknown. */
    public Optional<Double> completion(SiteAddress address) {
        address = torrentOf(address);
        if (views.containsKey(address.hex())) {
            return Optional.of(1.0);
        }
        RemoteSite site = remote.get(address.hex());
        if (site == null || site.info().isEmpty()) {
            return Optional.empty();
        }
        TorrentInfo info = site.info().get();
        int done = site.verifiedPieces().cardinality();
        return Optional.of(info.pieceCount() == 0 ? 1.0 : (double) done / info.pieceCount());
    }

    /** The file list of a site this engine can read, for bitweb get. */
    public Optional<TorrentInfo> torrentInfo(SiteAddress address) {
        address = torrentOf(address);
        RemoteSite site = remote.get(address.hex());
        if (site != null && site.info().isPresent()) {
            return site.info();
        }
        try {
            Path torrent = dir.site(address.hex()).resolve(SiteFiles.TORRENT);
            return Files.exists(torrent) ? Optional.of(TorrentInfo.parseTorrent(Files.readAllBytes(torrent))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private synchronized void activate(SiteRecord record) throws IOException {
        String ih = record.infohash();
        if (clients.containsKey(ih)) {
            return;
        }
        if (!record.published()) {
            return; // a visited site may be partial: it is served through a RemoteSite, which checks pieces
        }
        Path siteDir = dir.site(ih);
        byte[] torrentBytes = Files.readAllBytes(siteDir.resolve(SiteFiles.TORRENT));
        TorrentInfo info = TorrentInfo.parseTorrent(torrentBytes);
        if (!info.infohash().equals(ih)) {
            throw new IOException("site folder " + siteDir + " holds a torrent for " + info.infohash());
        }
        Path data = siteDir.resolve(SiteFiles.DATA);
        views.put(ih, new LocalSiteView(info, data));
        if (!record.seeding()) {
            return;
        }
        Torrent torrent = runtime.service(IMetadataService.class).fromByteArray(torrentBytes);
        sharing.share(torrent.getTorrentId());
        boolean resumed = resume.offer(ih, siteDir, info);
        BtClient client = Bt.client(runtime)
                .storage(new SafeStorage(data, ih).withInfo(info))
                .torrent(() -> torrent)
                .build();
        clients.put(ih, client);
        boolean[] recorded = {resumed};
        client.startAsync(state -> {
            if (!recorded[0] && state.getPiecesTotal() > 0 && state.getPiecesRemaining() == 0) {
                recorded[0] = true; // hashed in full once: the next start trusts the record
                recordAllVerified(ih);
            }
            java.util.Set<InetAddress> addresses = new java.util.HashSet<>();
            state.getConnectedPeers().forEach(key -> addresses.add(key.getPeer().getInetAddress()));
            peerAddresses.put(ih, addresses);
            SiteStats now = new SiteStats(state.getConnectedPeers().size(), state.getUploaded(),
                    state.getDownloaded(), state.getPiecesComplete(), state.getPiecesTotal());
            if (!now.equals(stats.put(ih, now))) {
                SiteStatus status = status(record);
                listeners.forEach(l -> l.accept(status));
            }
        }, 1000);
        log.info("seeding {} ({}, {} bytes)", ih, record.name(), record.size());
    }

    private void recordAllVerified(String ih) {
        try {
            Path siteDir = dir.site(ih);
            TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(siteDir.resolve(SiteFiles.TORRENT)));
            FastResume.save(siteDir, info, FastResume.all(info.pieceCount()));
        } catch (IOException | RuntimeException e) {
            log.warn("cannot record the pieces of {}: {}", ih, e.toString());
        }
    }

    /**
     * Shares a site with other peers from now on (and at every start). A published site is seeded
     * already; a visited one is downloaded in full and then shared.
     */
    public SiteStatus seed(String ih) throws IOException {
        SiteRecord record = store.get(ih).orElseThrow(() -> new IOException("this engine does not know the site " + ih));
        if (!record.seeding()) {
            record = withSeeding(record, true);
            store.put(record);
        }
        if (record.published()) {
            activate(record);
        } else {
            RemoteSite site = remoteSite(ih, List.of());
            sharing.share(site.torrentId());
            site.keepWholeSite(true);
        }
        return status(record);
    }

    /** Stops sharing a site; it stays in the store and readable here. */
    public SiteStatus unseed(String ih) throws IOException {
        SiteRecord record = store.get(ih).orElseThrow(() -> new IOException("this engine does not know the site " + ih));
        if (record.seeding()) {
            record = withSeeding(record, false);
            store.put(record);
        }
        BtClient client;
        synchronized (this) {
            client = clients.remove(ih);
        }
        if (client != null) {
            client.stop();
            stats.remove(ih);
        }
        sharing.withdraw(torrentId(ih));
        RemoteSite site = remote.get(ih);
        if (site != null) {
            site.keepWholeSite(false);
        }
        return status(record);
    }

    /**
     * Removes a site and its files from this machine.
     *
     * @return bytes freed on disk
     */
    public long remove(String ih) throws IOException {
        if (store.get(ih).isEmpty() && !remote.containsKey(ih)) {
            throw new IOException("this engine does not know the site " + ih);
        }
        unseedQuietly(ih);
        RemoteSite site = remote.remove(ih);
        if (site != null) {
            forgetRemote(ih, site);
        }
        if (dhtPeers != null) {
            dhtPeers.forget(torrentId(ih)); // its lookups, peers found and announce schedule
        }
        views.remove(ih);
        store.remove(ih);
        Path siteDir = dir.site(ih);
        long freed = Publisher.sizeOf(siteDir);
        Publisher.deleteTree(siteDir);
        log.debug("removed site {} ({} bytes)", ih, freed);
        return freed;
    }

    private static bt.metainfo.TorrentId torrentId(String ih) {
        return bt.metainfo.TorrentId.fromBytes(org.bitweb.address.Hex.decode(ih));
    }

    private void unseedQuietly(String ih) {
        sharing.withdraw(torrentId(ih));
        BtClient client;
        synchronized (this) {
            client = clients.remove(ih);
        }
        if (client != null) {
            try {
                client.stop();
            } catch (RuntimeException e) {
                log.debug("stop {}: {}", ih, e.toString());
            }
        }
        stats.remove(ih);
    }

    private static SiteRecord withSeeding(SiteRecord r, boolean seeding) {
        return r.withSeeding(seeding);
    }

    /** Pieces bt hashed when it last started a site; -1 if it has not. Fast resume makes this 0. */
    public int piecesHashedAtStart(String infohash) {
        return resume.hashedAtStart(infohash);
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } catch (Exception e) {
            log.warn("gateway did not close cleanly: {}", e.toString());
        }
        maintenance.shutdownNow();
        lan.close();
        keySites.close();
        if (dht != null) {
            dht.close();
        }
        remote.values().forEach(RemoteSite::stop);
        clients.values().forEach(c -> {
            try {
                c.stop();
            } catch (RuntimeException e) {
                log.debug("client stop: {}", e.toString());
            }
        });
        runtime.shutdown();
        listener.close();
        log.info("engine stopped");
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
