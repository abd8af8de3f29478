package org.bitweb.engine;

import bt.metainfo.TorrentId;
import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.bitweb.bt.PeerListener;
import org.bitweb.comments.CommentNetwork;
import org.bitweb.dht.DhtConfig;
import org.bitweb.dht.AnnounceBudget;
import org.bitweb.dht.DhtNode;
import org.bitweb.dht.PeerFinder;
import org.bitweb.dht.PendingPeerFinder;
import org.bitweb.discovery.PeerHintPolicy;
import org.bitweb.fetch.RemoteSite;
import org.bitweb.fetch.RemoteSites;
import org.bitweb.gateway.Gateway;
import org.bitweb.gateway.GatewayPort;
import org.bitweb.gateway.GatewayWarmUp;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.bitweb.keys.KeyRing;
import org.bitweb.log.Threads;
import org.bitweb.nat.PortMapper;
import org.bitweb.nat.Reachability;
import org.bitweb.site.LocalSites;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteFiles;
import org.bitweb.site.SiteStats;
import org.bitweb.site.SiteStatus;
import org.bitweb.site.StorageLimit;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.bitweb.updates.KeySites;
import org.bitweb.updates.MutableStore;
import org.bitweb.updates.Torrents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The per-user engine: the swarm (one bt runtime for every site), the DHT node, the store and the
 * gateway. Everything the browser, the CLI and {@code bitweb serve} do goes through one instance
 * of this class in one process per user. This class wires the features together and routes each
 * call to the one that does the work: {@link LocalSites} (published and seeded), {@link RemoteSites}
 * (fetched on demand), {@link KeySites} (updatable sites), {@link StorageLimit}.
 */
public final class Engine implements AutoCloseable, Torrents {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** A site read this recently is on screen: the storage limit leaves it alone. */
    private static final Duration ON_SCREEN = Duration.ofMinutes(1);
    /** How often lookups nobody asks for, and fetched sites nobody reads, are let go. */
    private static final Duration SWEEP = Duration.ofSeconds(5);

    private final StateDir dir;
    private final SiteStore store;
    private final EngineOptions options;
    private final PeerListener listener;
    private final Optional<DhtNode> dht;
    private final Swarm swarm;
    private final LocalSites local;
    private final RemoteSites remote;
    private final KeySites keySites;
    private final StorageLimit storageLimit;
    private final Gateway gateway;
    /** The gateway's warm-up after the start (tests wait for it). */
    private volatile CompletableFuture<GatewayWarmUp.Report> warmUp = CompletableFuture.completedFuture(null);
    private PortMapper ports = PortMapper.off("the engine is starting", null);
    private final List<Consumer<SiteStatus>> listeners = new CopyOnWriteArrayList<>();
    private CommentNetwork comments;
    private final ScheduledExecutorService maintenance = Threads.scheduler("maintenance", 1);
    /**
     * {@code -Dbitweb.openSitesBeforeReady=true}: the old order, every site opened before
     * {@link #start} returns (and so before engine.json says the engine is ready); for comparisons.
     */
    static final String OPEN_SITES_BEFORE_READY = "bitweb.openSitesBeforeReady";
    /** Held while a site of the list is opened, and while one is removed. */
    private final Object siteLock = new Object();
    private final CompletableFuture<Void> sitesOpened = new CompletableFuture<>();
    private volatile boolean closing;

    private Engine(StateDir dir, SiteStore store, EngineOptions options, PeerListener listener, Optional<DhtNode> dht,
                   Swarm swarm) throws IOException {
        this.dir = dir;
        this.store = store;
        this.options = options;
        this.listener = listener;
        this.dht = dht;
        this.swarm = swarm;
        this.local = new LocalSites(dir, swarm.runtime, swarm.resume, swarm.sharing, swarm.servable, this::reported);
        this.remote = new RemoteSites(dir, swarm.runtime, swarm.resume, swarm.hints, swarm.nudge,
                options.metadataTimeout(), options.stallTimeout(), new RemoteSites.Hooks(
                        ih -> keySites().olderVersions(ih), this::recordVisit, swarm::collectPeersNow, swarm::forget,
                        info -> storageLimit().refusal(info.contentSize())),
                RemoteSites.Limits.DEFAULTS);
        this.keySites = new KeySites(this, MutableStore.open(dir), KeyRing.of(dir), dht.orElse(null));
        this.storageLimit = new StorageLimit(dir, store, ih -> remote.inUse(ih, ON_SCREEN), this::remove);
        this.gateway = new Gateway(new SiteSource() {
            @Override
            public Optional<SiteView> site(SiteAddress address) {
                return siteView(address);
            }

            @Override
            public Optional<SiteView> now(SiteAddress address) {
                // what is open now: never opens a published site (siteView may), never waits
                if (address.kind() != SiteAddress.Kind.INFOHASH) {
                    return Optional.empty();
                }
                Optional<SiteView> mine = local.view(address.hex());
                return mine.isPresent() ? mine : remote.ready(address.hex()).map(SiteView.class::cast);
            }

            @Override
            public Lookup fetch(SiteAddress address, Duration wait) {
                return Engine.this.fetch(address, List.of(), wait);
            }

            @Override
            public Lookup fetch(SiteAddress address, Duration wait, Demand demand) {
                return Engine.this.fetch(address, List.of(), wait, demand);
            }

            @Override
            public Lookup fetch(SiteAddress address, Duration wait, Demand demand, String path) {
                return Engine.this.fetch(address, List.of(), wait, demand, path);
            }
        }, options.gatewayPort());
    }

    /**
     * Starts the engine: the peer port, the DHT, the swarm, then the gateway (its port is what
     * users need); every site in the list is then opened in the background, after this returns.
     * What started is closed again if a later step fails.
     */
    public static Engine start(StateDir dir, EngineOptions options) throws IOException {
        return start(dir, options, engine -> { });
    }

    /**
     * {@link #start(StateDir, EngineOptions)}, running {@code gatewayUp} once the gateway answers
     * and before the sites are opened: a browser's request can arrive in that window, and a test
     * makes one there. A published site asked for then is opened by the request itself, and a
     * seeded one is the fetch that opening it later joins: one path each, never two registrations.
     */
    static Engine start(StateDir dir, EngineOptions options, Consumer<Engine> gatewayUp) throws IOException {
        return start(dir, options, gatewayUp, engine -> { });
    }

    /**
     * {@link #start(StateDir, EngineOptions, Consumer)}, running {@code opening} where the sites
     * are about to be opened: on the thread that opens them, which by default runs after the
     * engine is ready (a test holds it there to look at an engine whose sites are not open yet).
     */
    static Engine start(StateDir dir, EngineOptions options, Consumer<Engine> gatewayUp, Consumer<Engine> opening)
            throws IOException {
        StartSteps steps = new StartSteps();
        StartAhead.begin();
        dir.create();
        Publisher.cleanStaging(dir);
        SiteStore store = SiteStore.open(dir);
        steps.done("store");
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            // through a proxy nobody outside can reach us anyway: listen on loopback only
            InetAddress bind = options.socks5Proxy() != null ? InetAddress.getLoopbackAddress() : options.peerBind();
            PeerListener listener = PeerListener.bind(bind, options.peerPort());
            started.push(listener);
            steps.done("peer port");
            // The gateway's port listens from here on, and what connects waits to be served: a
            // browser's first page asked for while the engine starts waits for the answer, where a
            // refused connection failed it until the extension heard from the engine and opened it
            // again (docs/TUNING.md, "A visit that starts the engine"). A taken port fails the
            // start now, not after bt's runtime is built.
            ServerSocketChannel gatewayPort = listenForGateway(options.gatewayPort());
            started.push(gatewayPort);
            // The DHT node starts on a thread of its own while the comments open and Guice builds
            // bt's runtime (150-290 ms beside 400-500; one after the other before). bt's peer source
            // gets a PendingPeerFinder: no lookup runs before the engine is up.
            AnnounceBudget budget = new AnnounceBudget();
            CompletableFuture<Optional<DhtNode>> dhtStarting = startDht(dir, options, budget);
            started.push(() -> dhtStarting.thenAccept(node -> node.ifPresent(DhtNode::close))); // a failed start closes it when it is up
            // decided from the options, not the future: a node failing at once must fail the start as awaitDht says
            PeerFinder pendingDht = withDht(options) ? new PendingPeerFinder(dhtStarting.thenApply(Optional::orElseThrow), budget) : null;
            // comments and backlinks ride on the sites' connections (BEP 10, docs/COMMENTS.md)
            CommentNetwork comments = CommentNetwork.open(dir.root().resolve("comments"), KeyRing.of(dir));
            started.push(comments);
            steps.done("comments");
            Swarm swarm = Swarm.start(options, bind, listener, pendingDht, comments.module());
            started.push(swarm);
            steps.done("bt runtime");
            Optional<DhtNode> dht = awaitDht(dhtStarting);
            steps.done("dht (the rest of its start)");
            Engine engine = new Engine(dir, store, options, listener, dht, swarm);
            engine.comments = comments;
            comments.attach(engine.commentHost(), dht.orElse(null), listener.port());
            swarm.runtime.getEventSource().onPeerDisconnected(null, e -> comments.disconnected(e.getConnectionKey()));
            steps.done("engine");
            engine.startGateway(gatewayPort);
            steps.done("gateway");
            gatewayUp.accept(engine);
            engine.swarm.items.attach(engine.keySites);
            engine.keySites.watch(engine.swarm.copies);
            engine.every(Duration.ofMinutes(1), "enforcing the storage limit", engine::enforceStorageLimit);
            engine.every(SWEEP, "letting go of unused fetches", () -> engine.remote.sweep(System.currentTimeMillis()));
            engine.every(Duration.ofSeconds(1), "reporting seeded sites", engine.local::report);
            engine.lanDiscovery(options.lanDiscovery());
            engine.ports = PortMapper.forEngine(options.portMapping(), bind, options.socks5Proxy() != null, listener.port(),
                    dht.map(node -> node.localAddress().getPort()).orElse(0), () -> dht.flatMap(DhtNode::externalAddress));
            if (Boolean.getBoolean(OPEN_SITES_BEFORE_READY)) {
                engine.openSitesAndKeySites(opening);
            } else {
                // Ready does not wait for the sites: at 1,000 sites opening them took longer than
                // the rest of the start (docs/TUNING.md, "An idle engine"). A page asked for
                // before its site is open opens it on demand (localView; a seeded visit joins the
                // fetch), so nobody sees the difference but the port that answers sooner.
                Threads.thread("opening-sites", true, () -> engine.openSitesAndKeySites(opening)).start();
            }
            steps.done("the rest");
            log.info("engine up: gateway {}, peer port {}, {} sites (opening {}); {}", engine.gatewayAddress(),
                    listener.port(), store.list().size(),
                    Boolean.getBoolean(OPEN_SITES_BEFORE_READY) ? "done" : "after ready", steps);
            // after ready, so it delays nothing; it gives way to real requests (docs/GATEWAY.md, "The warm-up")
            engine.warmUp = engine.gateway.warmUp();
            return engine;
        } catch (IOException | RuntimeException e) {
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** Runs a task periodically; a failure is logged and the task runs again next time (a scheduled task that throws would not). */
    private void every(Duration period, String what, Runnable task) {
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{} failed; trying again in {} s", what, period.toSeconds(), e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the DHT node on a thread of its own; done at once, empty, when this run goes without
     * one (no DHT configured, or a SOCKS5 proxy: UDP cannot go through it).
     */
    private static CompletableFuture<Optional<DhtNode>> startDht(StateDir dir, EngineOptions options, AnnounceBudget budget) {
        if (!withDht(options)) {
            if (options.socks5Proxy() != null) {
                log.info("peer connections go through the SOCKS5 proxy {}; the DHT is off", options.socks5Proxy());
            }
            return CompletableFuture.completedFuture(Optional.empty());
        }
        DhtConfig config = options.dht().stateFile() == null
                ? options.dht().withStateFile(dir.root().resolve("dht-nodes.json")) : options.dht();
        CompletableFuture<Optional<DhtNode>> starting = new CompletableFuture<>();
        Threads.thread("starting-dht", true, () -> {
            try {
                DhtNode node = DhtNode.start(config, budget);
                log.info("DHT node on UDP {}:{}", node.localAddress().getAddress().getHostAddress(), node.localAddress().getPort());
                starting.complete(Optional.of(node));
            } catch (IOException | RuntimeException e) {
                starting.completeExceptionally(e);
            }
        }).start();
        return starting;
    }

    /** Whether this run has a DHT node: one is configured, and no SOCKS5 proxy (UDP cannot go through it). */
    private static boolean withDht(EngineOptions options) {
        return options.dht() != null && options.socks5Proxy() == null;
    }

    /** The started DHT node, or its start's failure as the start's own. */
    private static Optional<DhtNode> awaitDht(CompletableFuture<Optional<DhtNode>> starting) throws IOException {
        try {
            return starting.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private static ServerSocketChannel listenForGateway(int port) throws IOException {
        try {
            return GatewayPort.listenOrTake(port); // the bridge's engine listened as its JVM began
        } catch (IOException e) {
            throw new IOException("the gateway cannot listen on " + Gateway.LOOPBACK + ":" + port
                    + " (" + e.getMessage() + "); another BitWeb or program may use it: stop it or pass --gateway-port 0", e);
        }
    }

    private void startGateway(ServerSocketChannel listening) throws IOException {
        gateway.start(listening);
    }

    /**
     * Opens every site in the list, then starts the updatable sites' work (which seeds their
     * versions). Stops early if the engine closes meanwhile; {@link #sitesOpened} completes either way.
     */
    private void openSitesAndKeySites(Consumer<Engine> opening) {
        try {
            opening.accept(this);
            long start = System.nanoTime();
            int count = 0;
            for (SiteRecord site : store.list()) {
                if (closing) {
                    return;
                }
                count += openSite(site.infohash()) ? 1 : 0;
            }
            log.info("opened {} sites in {} ms", count, (System.nanoTime() - start) / 1_000_000);
            if (!closing) {
                keySites.start();
            }
        } catch (RuntimeException e) {
            log.error("opening the sites failed", e);
        } finally {
            sitesOpened.complete(null);
        }
    }

    /**
     * Opens a site of the list: published ones from disk, seeded visited ones from the swarm. The
     * record is read again under the lock {@link #remove} takes: a site removed since the list was
     * read is not opened again.
     *
     * @return whether it was opened
     */
    private boolean openSite(String ih) {
        synchronized (siteLock) {
            Optional<SiteRecord> record = store.get(ih);
            try {
                if (record.isEmpty() || closing) {
                    return false;
                } else if (record.get().published()) {
                    local.open(record.get());
                    return true;
                } else if (record.get().seeding()) {
                    shareWhole(remote.open(ih, List.of()));
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                log.error("cannot start site {}: {}", ih, e.toString());
            }
            return false;
        }
    }

    /** Completes once the sites of the list were opened (after ready, unless {@value #OPEN_SITES_BEFORE_READY}). */
    CompletableFuture<Void> sitesOpened() {
        return sitesOpened;
    }

    private void shareWhole(RemoteSite site) {
        swarm.sharing.share(site.torrentId());
        site.keepWholeSite(true);
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
            return swarm.lan.start();
        }
        swarm.lan.stop();
        return false;
    }

    /** LAN announces sent since start: {datagrams, bytes} (docs/TUNING.md, traffic budget). */
    public long[] lanSent() {
        return swarm.lan.sent();
    }

    /** Whether local peer discovery (BEP 14) runs. */
    public boolean lanDiscoveryRunning() {
        return swarm.lan.running();
    }

    public String gatewayAddress() {
        return gateway.address();
    }

    /** The gateway's warm-up, begun once the engine was ready. */
    CompletableFuture<GatewayWarmUp.Report> gatewayWarmUp() {
        return warmUp;
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public int peerPort() {
        return listener.port();
    }

    /** Whether peers outside this network can connect: the router's port mapping (docs/NAT.md). */
    public Reachability reachability() {
        return ports.reachability();
    }

    public StateDir stateDir() {
        return dir;
    }

    /** The DHT node, if this engine runs one. */
    public Optional<DhtNode> dht() {
        return dht;
    }

    /** The one bt runtime and what BitWeb added to it; for this package's tests. */
    Swarm swarm() {
        return swarm;
    }

    /** Seeded sites whose figures the once-a-second report still looks at; for this package's tests. */
    int sitesAwake() {
        return local.awake();
    }

    /** Addresses of the peers connected for a seeded site now. */
    public Set<InetAddress> peerAddresses(String infohash) {
        return local.peerAddresses(infohash);
    }

    /** Peers connected for a site being fetched: hints for its next version, which they likely have too. */
    public List<InetSocketAddress> connectedPeers(String infohash) {
        return remote.connectedPeers(infohash);
    }

    /**
     * The peers named in a link that this engine may connect to ({@link PeerHintPolicy}, issue 12):
     * public addresses, and addresses on this machine or its networks only with
     * {@code localPeerHints} or when the page that carried the link came from a peer there.
     *
     * @param from the site whose page carried the link, if the caller knows it
     */
    public List<InetSocketAddress> linkHints(List<InetSocketAddress> named, Optional<SiteAddress> from) {
        Set<PeerHintPolicy.Scope> allowed = EnumSet.noneOf(PeerHintPolicy.Scope.class);
        if (options.localPeerHints()) {
            allowed.add(PeerHintPolicy.Scope.LOOPBACK);
            allowed.add(PeerHintPolicy.Scope.LOCAL);
        }
        from.flatMap(site -> site.kind() == SiteAddress.Kind.INFOHASH ? Optional.of(site.hex())
                : keySites.currentVersion(site)).ifPresent(ih -> {
            // where the page came from: the peers connected for it now, fetched or seeded
            remote.connectedPeers(ih).forEach(peer -> allowed.add(PeerHintPolicy.scope(peer)));
            local.peerAddresses(ih).forEach(address -> allowed.add(PeerHintPolicy.scope(address)));
        });
        return PeerHintPolicy.admit(named, allowed);
    }

    /** Upload and download limits, for all sites and per site (docs/TUNING.md, "Rate limits"). */
    public org.bitweb.bt.Bandwidth bandwidth() {
        return swarm.bandwidth;
    }

    /** Applies the settings' rate limits at once: for all sites, and for each site named (others get none). */
    public void rateLimits(org.bitweb.store.Settings settings) {
        swarm.bandwidth.limit(settings.rateLimits().uploadBytesPerSecond(), settings.rateLimits().downloadBytesPerSecond());
        swarm.bandwidth.limitSites(settings.siteRateLimits().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                java.util.Map.Entry::getKey, e -> new long[]{e.getValue().uploadBytesPerSecond(), e.getValue().downloadBytesPerSecond()})));
    }

    /** Updatable sites: publishing under a key, resolving, keeping items alive (docs/UPDATES.md). */
    public KeySites keySites() {
        return keySites;
    }

    /** Comments and backlinks (docs/COMMENTS.md). */
    public CommentNetwork comments() {
        return comments;
    }

    /** What comments need of the engine: which torrents it serves, which sites a torrent is, reaching a swarm. */
    private CommentNetwork.Host commentHost() {
        return new CommentNetwork.Host() {
            @Override
            public boolean serves(TorrentId torrent) {
                return swarm.sharing.shares(torrent);
            }

            @Override
            public List<SiteAddress> sitesOf(TorrentId torrent) {
                String ih = Hex.encode(torrent.getBytes());
                List<SiteAddress> sites = new ArrayList<>(List.of(new SiteAddress(SiteAddress.Kind.INFOHASH, ih)));
                sites.addAll(keySites.sitesWithVersion(ih));
                return sites;
            }

            @Override
            public java.util.Collection<SiteAddress> held() {
                return keySites.shared(store.list().stream().filter(SiteRecord::seeding).map(SiteRecord::infohash).toList());
            }

            @Override
            public void connect(SiteAddress site, List<InetSocketAddress> peers) {
                fetch(site, peers, Duration.ZERO);
            }
        };
    }

    public Duration metadataTimeout() {
        return options.metadataTimeout();
    }

    /** The sites being fetched from the swarm (tests look at their limits). */
    public RemoteSites fetches() {
        return remote;
    }

    /** Pieces bt hashed when it last started a site; -1 if it has not. Fast resume makes this 0. */
    public int piecesHashedAtStart(String infohash) {
        return swarm.resume.hashedAtStart(infohash);
    }

    /** Called with a site's status whenever its torrent session reports. */
    public void onSiteUpdate(Consumer<SiteStatus> listener) {
        listeners.add(listener);
    }

    private void reported(String infohash) {
        store.get(infohash).map(this::status).ifPresent(status -> listeners.forEach(l -> l.accept(status)));
    }

    /** Publishes a folder and starts seeding it at once. */
    public SiteStatus publish(Path folder, Publisher.Progress progress) throws IOException {
        SiteRecord record = Publisher.publish(dir, store, folder, progress);
        local.recordAllVerified(record.infohash());
        local.open(record);
        return status(record);
    }

    /** Publishes a folder to be seeded from where it is, without a copy (docs/STORAGE.md), and seeds it. */
    public SiteStatus publishInPlace(Path folder, Publisher.Progress progress) throws IOException {
        SiteRecord record = Publisher.publishInPlace(dir, store, folder, progress);
        local.open(record);
        return status(record);
    }

    public List<SiteStatus> sites() {
        List<SiteStatus> list = new ArrayList<>();
        for (SiteRecord record : store.list()) {
            list.add(status(record));
        }
        return keySites.merge(list);
    }

    public Optional<SiteStatus> site(String infohash) {
        return store.get(infohash).map(this::status);
    }

    private SiteStatus status(SiteRecord record) {
        SiteStats now = remote.get(record.infohash()).map(RemoteSite::stats).orElseGet(() -> local.stats(record.infohash()));
        return SiteStatus.of(record, now, record.published());
    }

    /** The torrent an address reads now: itself, or an updatable site's current version. */
    private SiteAddress torrentOf(SiteAddress address) {
        if (address.kind() == SiteAddress.Kind.INFOHASH) {
            return address;
        }
        return keySites.currentVersion(address).map(ih -> new SiteAddress(SiteAddress.Kind.INFOHASH, ih)).orElse(address);
    }

    /** A site this engine can serve now, without starting a fetch. */
    public Optional<SiteView> siteView(SiteAddress address) {
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            return keySites.view(address);
        }
        Optional<SiteView> mine = localView(address.hex());
        return mine.isPresent() ? mine : remote.ready(address.hex()).map(SiteView.class::cast);
    }

    /**
     * A published site's view. A request may arrive before {@link #openSites} reached the site:
     * it is opened here then, so it is never fetched from the swarm like a stranger's.
     */
    private Optional<SiteView> localView(String ih) {
        Optional<SiteView> view = local.view(ih);
        if (view.isPresent()) {
            return view;
        }
        Optional<SiteRecord> record = store.get(ih).filter(SiteRecord::published);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        try {
            local.open(record.get());
        } catch (IOException | RuntimeException e) {
            log.warn("cannot open published site {}: {}", ih, e.toString());
        }
        return local.view(ih);
    }

    /**
     * Finds a site, starting to fetch it from the swarm if this engine does not have it, and waits
     * up to {@code wait} for its file list.
     *
     * @param peers peers to ask first (a magnet link's hints); the DHT finds the others
     */
    public SiteSource.Lookup fetch(SiteAddress address, List<InetSocketAddress> peers, Duration wait) {
        return fetch(address, peers, wait, SiteSource.Demand.VISIT);
    }

    /** {@link #fetch(SiteAddress, List, Duration)} for a request of a known kind (the gateway's). */
    public SiteSource.Lookup fetch(SiteAddress address, List<InetSocketAddress> peers, Duration wait, SiteSource.Demand demand) {
        return fetch(address, peers, wait, demand, null);
    }

    /** {@link #fetch(SiteAddress, List, Duration, SiteSource.Demand)} for a file of the site, wanted the moment its file list comes (null: none). */
    public SiteSource.Lookup fetch(SiteAddress address, List<InetSocketAddress> peers, Duration wait, SiteSource.Demand demand,
                                   String path) {
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            return keySites.fetch(address, peers, wait);
        }
        String ih = address.hex();
        Optional<SiteView> mine = localView(ih);
        if (mine.isPresent()) {
            return new SiteSource.Lookup.Ready(mine.get());
        }
        SiteSource.Lookup lookup = remote.lookup(ih, peers, wait, demand, path);
        if (lookup instanceof SiteSource.Lookup.Ready) {
            touch(ih);
        }
        return lookup;
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

    /**
     * Most bytes visited sites may take on disk; 0 for no limit, {@link StorageLimit#AUTO} for a
     * share of the disk. Enforced at once and every minute.
     */
    public void storageLimit(long bytes) {
        storageLimit.set(bytes);
        enforceStorageLimit();
    }

    private StorageLimit storageLimit() {
        return storageLimit; // made after the fetches, which ask it only once a file list arrives
    }

    /** The storage limit in force now, in bytes (0: none). */
    public long storageLimitInForce() {
        return storageLimit.inForce();
    }

    /**
     * Removes the least recently visited sites until visitor data fits the limit.
     *
     * @return the sites removed
     */
    public List<String> enforceStorageLimit() {
        return storageLimit.enforce();
    }

    /** Downloads every piece of a fetched site, not just what was asked for (bitweb get, "keep this site"). */
    public void keepWholeSite(SiteAddress address) {
        remote.get(torrentOf(address).hex()).ifPresent(site -> site.keepWholeSite(true));
    }

    /** Fraction of a fetched site's pieces verified, or 1 for a local site; empty if unknown. */
    public Optional<Double> completion(SiteAddress address) {
        String ih = torrentOf(address).hex();
        if (local.has(ih)) {
            return Optional.of(1.0);
        }
        Optional<RemoteSite> site = remote.get(ih);
        if (site.isEmpty() || site.get().info().isEmpty()) {
            return Optional.empty();
        }
        TorrentInfo info = site.get().info().get();
        int done = site.get().verifiedPieces().cardinality();
        return Optional.of(info.pieceCount() == 0 ? 1.0 : (double) done / info.pieceCount());
    }

    /** The file list of a site this engine can read, for bitweb get. */
    public Optional<TorrentInfo> torrentInfo(SiteAddress address) {
        String ih = torrentOf(address).hex();
        Optional<TorrentInfo> fetched = remote.get(ih).flatMap(RemoteSite::info);
        if (fetched.isPresent()) {
            return fetched;
        }
        try {
            Path torrent = dir.site(ih).resolve(SiteFiles.TORRENT);
            return Files.exists(torrent) ? Optional.of(TorrentInfo.parseTorrent(Files.readAllBytes(torrent))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Shares a site with other peers from now on (and at every start). A published site is seeded
     * already; a visited one is downloaded in full and then shared.
     */
    public SiteStatus seed(String ih) throws IOException {
        SiteRecord record = known(ih);
        if (!record.seeding()) {
            record = record.withSeeding(true);
            store.put(record);
        }
        if (record.published()) {
            local.open(record);
        } else {
            shareWhole(remote.open(ih, List.of()));
        }
        return status(record);
    }

    /** Stops sharing a site; it stays in the store and readable here. */
    public SiteStatus unseed(String ih) throws IOException {
        SiteRecord record = known(ih);
        if (record.seeding()) {
            record = record.withSeeding(false);
            store.put(record);
        }
        stopSharing(ih);
        remote.get(ih).ifPresent(site -> site.keepWholeSite(false));
        return status(record);
    }

    private SiteRecord known(String ih) throws IOException {
        return store.get(ih).orElseThrow(() -> new IOException("this engine does not know the site " + ih));
    }

    private void stopSharing(String ih) {
        swarm.sharing.withdraw(torrentId(ih));
        local.stopSeeding(ih);
    }

    /**
     * Removes a site and its files from this machine.
     *
     * @return bytes freed on disk
     */
    public long remove(String ih) throws IOException {
        synchronized (siteLock) { // not while the sites' opening reads its record
            return removeNow(ih);
        }
    }

    private long removeNow(String ih) throws IOException {
        if (store.get(ih).isEmpty() && remote.get(ih).isEmpty()) {
            throw new IOException("this engine does not know the site " + ih);
        }
        stopSharing(ih);
        remote.stop(ih);
        swarm.forget(torrentId(ih)); // its lookups, peers found and announce schedule
        local.close(ih);
        store.remove(ih);
        comments.forget(new SiteAddress(SiteAddress.Kind.INFOHASH, ih)); // nothing in the state folder names it afterwards
        Path siteDir = dir.site(ih);
        long freed = Publisher.sizeOf(siteDir);
        Publisher.deleteTree(siteDir);
        log.debug("removed site {} ({} bytes)", ih, freed);
        return freed;
    }

    private static TorrentId torrentId(String ih) {
        return TorrentId.fromBytes(Hex.decode(ih));
    }

    @Override
    public void close() {
        closing = true; // the sites' opening stops at the next site
        try {
            sitesOpened.get(10, TimeUnit.SECONDS); // a site half opened is not closed under it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("the sites' opening did not stop within 10 s; closing all the same");
        }
        try {
            gateway.close();
        } catch (Exception e) {
            log.warn("gateway did not close cleanly: {}", e.toString());
        }
        maintenance.shutdownNow();
        ports.close(); // the router stops forwarding to us before the ports close
        keySites.close();
        try {
            comments.close();
        } catch (IOException e) {
            log.warn("comments did not close cleanly: {}", e.toString());
        }
        dht.ifPresent(DhtNode::close);
        remote.close();
        local.close();
        swarm.close();
        listener.close();
        log.info("engine stopped");
    }
}
