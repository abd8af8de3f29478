package org.bitweb.dht;

import lbms.plugins.mldht.DHTConfiguration;
import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.Database;
import lbms.plugins.mldht.kad.GenericStorage.StorageItem;
import lbms.plugins.mldht.kad.KBucketEntry;
import lbms.plugins.mldht.kad.Key;
import lbms.plugins.mldht.kad.Node;
import lbms.plugins.mldht.kad.PeerAddressDBItem;
import lbms.plugins.mldht.kad.RPCServer;
import lbms.plugins.mldht.kad.messages.AnnounceRequest;
import lbms.plugins.mldht.kad.messages.PutRequest;
import lbms.plugins.mldht.kad.tasks.NodeLookup;
import lbms.plugins.mldht.kad.tasks.PeerLookupTask;
import lbms.plugins.mldht.kad.tasks.Task;
import lbms.plugins.mldht.kad.utils.AddressUtils;
import org.bitweb.log.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * BitWeb's own node in the mainline DHT (BEP 5), on a stock mldht {@link DHT} that it drives
 * directly instead of through bt's DHTModule, because BitWeb decides per site what to reveal:
 *
 * <ul>
 *   <li>{@link #getPeers} looks peers up and announces nothing (a visitor);</li>
 *   <li>{@link #announce} looks up, then tells the closest nodes we have it (a seeded site);</li>
 *   <li>{@link #getMutable} / {@link #putMutable} read and store BEP 44 mutable items.</li>
 * </ul>
 *
 * Every operation returns a future that completes by its timeout at the latest: with what was found
 * so far, or with a {@link DhtException} when no DHT node has answered us at all or the node was
 * closed meanwhile. Futures complete and {@code onPeer} callbacks run on the node's own event
 * thread, never on mldht's. Calling an operation on a closed node throws {@link DhtException}.
 *
 * <p>The node joins through {@link DhtConfig#bootstrapNodes()} and through the nodes it saved in
 * {@link DhtConfig#stateFile()} last time, and keeps trying (with backoff) while its routing table
 * is thin. It takes a fresh node ID every run. It never announces by itself.
 */
public final class DhtNode implements PeerFinder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);

    /** Below this many routing table entries the node keeps pinging bootstrap and saved nodes. */
    public static final int HEALTHY_TABLE = 8;
    private static final long FIRST_BOOTSTRAP_DELAY_MS = 100;
    private static final long BOOTSTRAP_RETRY_MS = 1_000;
    private static final long MAX_BOOTSTRAP_DELAY_MS = 60_000;
    private static final long HEALTH_CHECK_MS = 30_000;
    private static final long SAVE_INTERVAL_MS = 10 * 60_000;
    private static final long WAIT_FOR_NODES_POLL_MS = 100;
    private static final long CLOSE_WAIT_MS = 5_000;
    /** Time kept back from an announce's timeout for the announce_peer requests themselves. */
    private static final long ANNOUNCE_BUDGET_NS = TimeUnit.SECONDS.toNanos(3);
    /**
     * Targets whose last announce's holders are remembered (the least recently announced are
     * forgotten first): 1,000 seeded sites' torrents and comment topics fit, at about 1 KB each.
     */
    static final int REMEMBERED_TARGETS = 4096;
    /** Holders remembered longer ago than this are not used: nodes come and go. */
    private static final long HOLDERS_FRESH_NS = TimeUnit.MINUTES.toNanos(60);

    static {
        MldhtLog.install();
    }

    private final DhtConfig config;
    private final int port;
    private final String name;
    private final DHT dht;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService events;
    private final ExecutorService resolver;
    private final List<InetSocketAddress> savedNodes;
    private final Set<Operation<?>> pending = ConcurrentHashMap.newKeySet();
    private final Set<InetSocketAddress> warnedBogons = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean selfLookupRunning = new AtomicBoolean();
    private final AnnounceBudget announceBudget;
    /** The nodes that took each target's last announce, where its next announce starts looking (access order). */
    private final Map<Key, Holders> lastHolders = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Holders> eldest) {
            return size() > REMEMBERED_TARGETS;
        }
    };
    /** get_peers requests of the last announce's lookup (tests). */
    private volatile int lastAnnounceRequests;
    private volatile boolean closed;
    private long bootstrapDelayMs = BOOTSTRAP_RETRY_MS;

    private DhtNode(DhtConfig config, int port, AnnounceBudget budget) {
        this.config = config;
        this.announceBudget = budget;
        this.port = port;
        this.name = "dht-" + config.bindAddress().getHostAddress() + ":" + port;
        this.dht = new DHT(DHT.DHTtype.IPV4_DHT);
        // One thread: mldht matches a response to its request only if the request was marked sent
        // first, and with two threads a fast answer (LAN, the testnet) can overtake that mark; the
        // call then idles until mldht's 10 s timeout. On one thread the send finishes first.
        // Threads: what mldht's tasks throw on this scheduler (and so inside futures nobody reads)
        // is logged, not lost
        this.scheduler = Threads.scheduler(name, 1);
        this.events = Threads.singleThread(name + "-events");
        this.resolver = Threads.singleThread(name + "-dns");
        this.savedNodes = config.stateFile() == null ? List.of() : DhtStateFile.read(config.stateFile());
    }

    /**
     * Binds the UDP socket and starts joining the DHT; returns at once, before any node answered
     * (see {@link #stats()}).
     *
     * @throws IOException when the port is taken or mldht finds no address to bind to
     */
    public static DhtNode start(DhtConfig config) throws IOException {
        return start(config, new AnnounceBudget());
    }

    /**
     * {@link #start(DhtConfig)} with the node's announce budget made beforehand: an engine builds
     * bt's runtime, whose peer source takes from the budget, while the node starts.
     */
    public static DhtNode start(DhtConfig config, AnnounceBudget budget) throws IOException {
        MldhtLog.install(); // again: the engine may have changed log levels since this class loaded
        int port = reservePort(config.bindAddress(), config.port());
        DhtNode node = new DhtNode(config, port, budget);
        try {
            node.startDht();
        } catch (IOException | RuntimeException e) {
            node.shutdownThreads();
            throw e;
        }
        return node;
    }

    /** Checks that the port is free (and picks one for port 0) before mldht binds it in the background. */
    private static int reservePort(InetAddress address, int port) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(address, port));
            return probe.getLocalPort();
        } catch (SocketException e) {
            throw new IOException("cannot use UDP " + address.getHostAddress() + ":" + port + " for the DHT: " + e.getMessage(), e);
        }
    }

    private void startDht() throws IOException {
        dht.setScheduler(scheduler);
        dht.start(mldhtConfiguration());
        if (dht.getServerManager().getServerCount() == 0) {
            dht.stop();
            throw new IOException("the DHT found no address to bind to (bind address " + config.bindAddress().getHostAddress()
                    + "); mldht binds neither loopback nor addresses of interfaces that are down");
        }
        LOG.info("DHT node listening on {}, {} bootstrap node(s), {} saved node(s)",
                localAddress(), config.bootstrapNodes().size(), savedNodes.size());
        scheduler.schedule(this::bootstrapRound, FIRST_BOOTSTRAP_DELAY_MS, TimeUnit.MILLISECONDS);
        if (config.stateFile() != null) {
            scheduler.scheduleWithFixedDelay(this::saveStateQuietly, SAVE_INTERVAL_MS, SAVE_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    private DHTConfiguration mldhtConfiguration() {
        InetAddress bind = config.bindAddress();
        Predicate<InetAddress> bindFilter = bind.isAnyLocalAddress() ? a -> true : bind::equals;
        // A folder that does not exist: mldht then neither loads nor saves its own routing table
        // cache (its loader dies on a corrupt file, its saver allocates 50 MB) nor a node ID; the
        // state file of this class does that job.
        Path noStorage = Path.of(System.getProperty("java.io.tmpdir"), "bitweb-dht-unused-" + UUID.randomUUID());
        return new DHTConfiguration() {
            @Override
            public boolean isPersistingID() {
                return false;
            }

            @Override
            public Path getStoragePath() {
                return noStorage;
            }

            @Override
            public int getListeningPort() {
                return port;
            }

            @Override
            public boolean noRouterBootstrap() {
                // mldht's own router list is hard-coded; ours comes from the configuration
                return true;
            }

            @Override
            public boolean allowMultiHoming() {
                return false;
            }

            @Override
            public Predicate<InetAddress> filterBindAddress() {
                return bindFilter;
            }
        };
    }

    // ---------------------------------------------------------------- peers

    /** Looks up the peers of {@code infohash}, announcing nothing. */
    public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout) {
        return getPeers(infohash, timeout, peer -> {
        });
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout, Consumer<InetSocketAddress> onPeer) {
        return peerLookup(infohash, 0, timeout, onPeer).thenApply(AnnounceResult::peers);
    }

    /** Looks up the peers of {@code infohash}, then announces us as a peer on {@code port}. */
    public CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout) {
        return announce(infohash, port, timeout, peer -> {
        });
    }

    @Override
    public CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout, Consumer<InetSocketAddress> onPeer) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("announce port must be 1..65535, not " + port);
        }
        return peerLookup(infohash, port, timeout, onPeer);
    }

    /**
     * The budget every announcer on this node takes from before calling {@link #announce}: the bt
     * peer source and the comments' topics together (docs/DHT.md, "The announce budget").
     */
    @Override
    public AnnounceBudget announceBudget() {
        return announceBudget;
    }

    /** A visitor's lookup: mldht's {@code PeerLookupTask} with fast termination, announcing nothing. */
    private CompletableFuture<AnnounceResult> peerLookup(byte[] infohash, int announcePort, Duration timeout,
                                                          Consumer<InetSocketAddress> onPeer) {
        if (announcePort != 0) {
            return announceLookup(infohash, announcePort, timeout, onPeer);
        }
        checkTwentyBytes(infohash, "infohash");
        Key key = new Key(infohash);
        Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
        List<InetSocketAddress> inOrder = new CopyOnWriteArrayList<>();
        Supplier<AnnounceResult> soFar = () -> new AnnounceResult(inOrder, 0);
        String what = "get_peers " + key.toString(false);
        Operation<AnnounceResult> op = new Operation<>(what, timeout, soFar);
        op.whenNodesKnown(server -> {
            PeerLookupTask lookup = new PeerLookupTask(server, dht.getNode(), key);
            // a lookup only (a visitor): it ends once the nodes that answer in time have, not after
            // mldht's 10 s for each that stalls; peers found stream out meanwhile, and an empty
            // lookup is retried (DhtPeerSourceFactory) instead of waiting on dead nodes
            lookup.setFastTerminate(true);
            lookup.setInfo("BitWeb " + what);
            lookup.setResultHandler((source, item) -> {
                InetSocketAddress peer = item.toSocketAddress();
                if (peers.add(peer)) {
                    inOrder.add(peer);
                    op.callback(() -> onPeer.accept(peer));
                }
            });
            lookup.addListener(done -> op.complete(soFar.get()));
            op.track(lookup);
            submit(lookup);
        });
        return op.future();
    }

    /**
     * An announce: BitWeb's own {@code get_peers} traversal ({@link ItemLookup#peers}), then
     * {@code announce_peer} to the K closest nodes that handed out a token ({@link StoreRequests}).
     * Not mldht's {@code PeerLookupTask}: it leaves out every node this node sent 10 requests to in
     * the last few seconds, so of several sites announced at once, the later lookups skipped the
     * closest nodes the earlier ones had just asked and announced to farther ones (docs/DHT.md).
     */
    private CompletableFuture<AnnounceResult> announceLookup(byte[] infohash, int port, Duration timeout,
                                                              Consumer<InetSocketAddress> onPeer) {
        checkTwentyBytes(infohash, "infohash");
        Key key = new Key(infohash);
        Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
        List<InetSocketAddress> inOrder = new CopyOnWriteArrayList<>();
        AtomicReference<ItemLookup> lookup = new AtomicReference<>();
        AtomicReference<StoreRequests> round = new AtomicReference<>();
        Supplier<AnnounceResult> soFar = () -> new AnnounceResult(inOrder,
                Optional.ofNullable(round.get()).map(StoreRequests::stored).orElse(0));
        String what = "announce " + key.toString(false);
        Operation<AnnounceResult> op = new Operation<>(what, timeout, soFar);
        op.onEnd(() -> {
            Optional.ofNullable(lookup.get()).ifPresent(ItemLookup::cancel);
            Optional.ofNullable(round.get()).ifPresent(StoreRequests::cancel);
        });
        op.whenNodesKnown(server -> {
            ItemLookup get = ItemLookup.peers(server, key, peer -> {
                if (peers.add(peer)) {
                    inOrder.add(peer);
                    op.callback(() -> onPeer.accept(peer));
                }
            }, scheduler, id -> dht.getNode() != null && dht.getNode().isLocalId(id)).onDone(done -> {
                if (op.isDone()) {
                    return;
                }
                // counts the nodes that took it, not every answer; replaces refusals and asks a
                // silent node once more, as for puts
                lastAnnounceRequests = done.requests();
                StoreRequests announce = new StoreRequests(server, what, done.tokenHolders(),
                        holder -> new AnnounceRequest(key, port, holder.token), (holder, error) -> false, scheduler)
                        .onDone(r -> {
                            remember(key, r.storedOn());
                            op.complete(soFar.get());
                        });
                round.set(announce);
                announce.start();
            });
            lookup.set(get);
            // a re-announce starts at the nodes that took the last one: on the real DHT they are
            // usually still the closest, and the lookup then asks those 8 instead of walking there
            // from the routing table again (three or four hops, 20-40 requests)
            get.start(dht, remembered(key));
            // The lookup ends within seconds (slow nodes are given up after a grace), but requests
            // mldht holds back (its per-address throttle) could keep it open: leave time for the
            // announce itself, to whoever handed out tokens by then.
            long announceReserve = Math.max(timeout.toNanos() / 3, Math.min(timeout.toNanos() / 2, ANNOUNCE_BUDGET_NS));
            long stopLookupIn = op.deadline - announceReserve - System.nanoTime();
            scheduler.schedule(get::stop, Math.max(0, stopLookupIn), TimeUnit.NANOSECONDS);
        });
        return op.future();
    }

    /** The nodes that took {@code target}'s last announce, if that was recent; fresh tokens are asked of them anew. */
    private List<KBucketEntry> remembered(Key target) {
        synchronized (lastHolders) {
            Holders holders = lastHolders.get(target);
            if (holders == null || System.nanoTime() - holders.at() > HOLDERS_FRESH_NS) {
                return List.of();
            }
            return holders.nodes();
        }
    }

    private void remember(Key target, List<ItemLookup.Candidate> storedOn) {
        synchronized (lastHolders) {
            if (storedOn.isEmpty()) {
                lastHolders.remove(target);
            } else {
                lastHolders.put(target, new Holders(storedOn.stream().map(c -> new KBucketEntry(c.address, c.id)).toList(),
                        System.nanoTime()));
            }
        }
    }

    /** The nodes that stored an announce, and when. */
    private record Holders(List<KBucketEntry> nodes, long at) {
    }

    /** Where the next announce of {@code infohash} starts looking: the nodes that took the last one (tests). */
    Set<InetSocketAddress> rememberedHolders(byte[] infohash) {
        return remembered(new Key(infohash)).stream().map(KBucketEntry::getAddress).collect(Collectors.toSet());
    }

    /** get_peers requests the last announce's lookup sent (tests). */
    int lastAnnounceRequests() {
        return lastAnnounceRequests;
    }

    // ---------------------------------------------------------------- BEP 44

    /**
     * Finds the newest mutable item under {@code publicKey} and {@code salt} (empty for none).
     * mldht has checked its signature and that it lives at SHA-1(key + salt). Empty when no node
     * holds it.
     */
    public CompletableFuture<Optional<MutableItem>> getMutable(byte[] publicKey, byte[] salt, Duration timeout) {
        return getMutableTraced(publicKey, salt, timeout).thenApply(ItemResult::item);
    }

    /** {@link #getMutable}, with what the lookup cost (for figures and logs). */
    public CompletableFuture<ItemResult> getMutableTraced(byte[] publicKey, byte[] salt, Duration timeout) {
        checkLength(publicKey, 32, "public key");
        byte[] saltOrEmpty = salt == null ? new byte[0] : salt.clone();
        Key target = new Key(MutableItem.target(publicKey, saltOrEmpty));
        AtomicReference<ItemLookup> lookup = new AtomicReference<>();
        Supplier<ItemResult> soFar = () -> Optional.ofNullable(lookup.get())
                .map(l -> new ItemResult(Optional.ofNullable(l.best()), l.requests(), l.answers()))
                .orElse(new ItemResult(Optional.empty(), 0, 0));
        Operation<ItemResult> op = new Operation<>("get " + target.toString(false), timeout, soFar);
        op.onEnd(() -> Optional.ofNullable(lookup.get()).ifPresent(ItemLookup::cancel));
        op.whenNodesKnown(server -> {
            ItemLookup get = newLookup(server, target, publicKey, saltOrEmpty).onDone(l -> op.complete(soFar.get()));
            lookup.set(get);
            get.start(dht);
        });
        return op.future();
    }

    private ItemLookup newLookup(RPCServer server, Key target, byte[] publicKey, byte[] salt) {
        return new ItemLookup(server, target, answer -> itemOf(answer, publicKey, salt), scheduler,
                id -> dht.getNode() != null && dht.getNode().isLocalId(id));
    }

    /** What a lookup found and what it cost. */
    public record ItemResult(Optional<MutableItem> item, int requests, int answers) {
    }

    /**
     * Stores a signed mutable item on the nodes closest to its target; completes with how many
     * stored it. Fails with {@link IllegalArgumentException} when the signature does not verify and
     * with {@link NewerItemException} when the DHT already holds a newer item under that key.
     */
    public CompletableFuture<Integer> putMutable(MutableItem item, Duration timeout) {
        StorageItem storageItem = toStorageItem(item);
        if (!storageItem.validateSig()) { // the nodes would refuse it one by one
            return CompletableFuture.failedFuture(new IllegalArgumentException("the signature of " + item + " does not verify"));
        }
        Key target = new Key(item.target());
        AtomicReference<ItemLookup> lookup = new AtomicReference<>();
        AtomicReference<StoreRequests> putTask = new AtomicReference<>();
        Operation<Integer> op = new Operation<>("put " + target.toString(false), timeout,
                () -> Optional.ofNullable(putTask.get()).map(StoreRequests::stored).orElse(0));
        op.onEnd(() -> {
            Optional.ofNullable(lookup.get()).ifPresent(ItemLookup::cancel);
            Optional.ofNullable(putTask.get()).ifPresent(StoreRequests::cancel);
        });
        op.whenNodesKnown(server -> {
            ItemLookup get = newLookup(server, target, item.publicKey(), item.salt()).onDone(done -> {
                if (op.isDone()) {
                    return;
                }
                MutableItem newest = done.best();
                if (newest != null && newest.seq() > item.seq()) {
                    op.fail(new NewerItemException(newest.seq(), item.seq()));
                    return;
                }
                StoreRequests put = new StoreRequests(server, "put " + target.toString(false) + " seq " + item.seq(), done.tokenHolders(),
                        holder -> {
                            PutRequest request = new PutRequest();
                            request.populateFromStorage(storageItem);
                            request.setToken(holder.token);
                            return request;
                        },
                        // bittorrent-dht refuses an equal seq (302); a node that showed us this very item holds it
                        (holder, error) -> error.getCode() == StoreRequests.SEQ_LESS_THAN_CURRENT && holder.item != null
                                && holder.item.seq() == item.seq() && Arrays.equals(holder.item.signature(), item.signature()),
                        scheduler)
                        .onDone(p -> op.complete(p.stored()));
                putTask.set(put);
                put.start();
            });
            lookup.set(get);
            get.start(dht);
        });
        return op.future();
    }

    /**
     * The mutable item in a {@code get} answer, if it is one of {@code publicKey} and {@code salt}
     * whose signature verifies; else null (an immutable value, another key's item, a forged or
     * incomplete one: BEP 44 nodes may hold anything, the answer's other fields still count).
     */
    private static MutableItem itemOf(lbms.plugins.mldht.kad.messages.GetResponse answer, byte[] publicKey, byte[] salt) {
        byte[] key = answer.getPubkey();
        byte[] signature = answer.getSignature();
        long seq = answer.getSequenceNumber();
        if (key == null || signature == null || seq < 0 || answer.getRawValue() == null || !Arrays.equals(key, publicKey)) {
            return null;
        }
        try {
            MutableItem item = new MutableItem(key, salt, seq, ItemLookup.bytes(answer.getRawValue()), signature);
            return signatureVerifies(item) ? item : null;
        } catch (IllegalArgumentException e) {
            LOG.debug("Ignoring a malformed mutable item from {}: {}", answer.getOrigin(), e.getMessage());
            return null;
        }
    }

    /** Whether mldht (and so every mldht node) accepts the item's signature. */
    static boolean signatureVerifies(MutableItem item) {
        return toStorageItem(item).validateSig();
    }

    private static StorageItem toStorageItem(MutableItem item) {
        // StorageItem's own constructor for signed data is package-private; a PutRequest carries the same fields
        PutRequest request = new PutRequest();
        request.setPubkey(item.publicKey());
        request.setSalt(item.salt().length == 0 ? null : item.salt());
        request.setSequenceNumber(item.seq());
        request.setSignature(item.signature());
        request.setValue(ByteBuffer.wrap(item.value()));
        return new StorageItem(request);
    }

    /**
     * The BEP 44 items other nodes stored with this node, by target (SHA-1 of key and salt): for
     * tests, which check who keeps an item alive and make items expire without waiting two hours.
     */
    java.util.Map<Key, StorageItem> storedItems() {
        return dht.getStorage().getItems();
    }

    /** Drops every item stored here, as their expiry would (tests; mldht offers only a read-only view). */
    void expireStoredItems() {
        try {
            java.lang.reflect.Field items = lbms.plugins.mldht.kad.GenericStorage.class.getDeclaredField("items");
            items.setAccessible(true);
            ((java.util.Map<?, ?>) items.get(dht.getStorage())).clear();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("mldht's GenericStorage changed: " + e, e);
        }
    }

    /** Drops every peer others announced here, as their expiry would (tests). */
    void forgetPeers() {
        Database db = dht.getDatabase();
        if (db != null) {
            db.getData().clear();
        }
    }

    /** This node's id (tests). */
    byte[] nodeId() {
        return dht.getNode().getRootID().getHash();
    }

    // ---------------------------------------------------------------- state

    /** The address the node listens on (mldht's choice when bound to the any-address). */
    public InetSocketAddress localAddress() {
        var manager = dht.getServerManager();
        InetAddress address = manager == null ? null
                : manager.getAllServers().stream().findFirst().map(RPCServer::getBindAddress).orElse(null);
        return new InetSocketAddress(address == null ? config.bindAddress() : address, port);
    }

    /**
     * The address other nodes say they see this node at (the "ip" of their answers, BEP 42), once
     * enough of them agree; empty before. Port mapping compares it with the router's outside address.
     */
    public Optional<InetSocketAddress> externalAddress() {
        var manager = dht.getServerManager();
        if (closed || manager == null) {
            return Optional.empty();
        }
        return manager.getAllServers().stream().map(RPCServer::getConsensusExternalAddress)
                .filter(java.util.Objects::nonNull).findFirst();
    }

    public DhtStats stats() {
        Node node = dht.getNode();
        var manager = dht.getServerManager();
        if (closed || node == null || manager == null) {
            return new DhtStats(localAddress(), 0, 0, 0, 0, 0, 0);
        }
        List<KBucketEntry> entries = routingTableEntries(node);
        List<RPCServer> servers = manager.getAllServers();
        var tasks = dht.getTaskManager();
        return new DhtStats(localAddress(), entries.size(),
                (int) entries.stream().filter(KBucketEntry::verifiedReachable).count(),
                manager.getActiveServerCount(),
                servers.stream().mapToLong(RPCServer::getNumSent).sum(),
                servers.stream().mapToLong(RPCServer::getNumReceived).sum(),
                tasks == null ? 0 : tasks.getNumTasks() + tasks.getNumQueuedTasks());
    }

    /** UDP payload bytes {sent, received} since start, for the traffic budget (docs/TUNING.md). */
    public long[] trafficBytes() {
        var manager = dht.getServerManager();
        if (manager == null) {
            return new long[]{0, 0};
        }
        List<RPCServer> servers = manager.getAllServers();
        return new long[]{servers.stream().mapToLong(s -> s.getStats().getSentBytes()).sum(),
                servers.stream().mapToLong(s -> s.getStats().getReceivedBytes()).sum()};
    }

    /** Entries of the routing table's main buckets (mldht's own counter drifts until its next bucket check). */
    private int tableSize() {
        Node node = dht.getNode();
        return node == null ? 0 : routingTableEntries(node).size();
    }

    /** Nodes of the routing table, those that answered us first: what the state file keeps. */
    public List<InetSocketAddress> knownNodes() {
        Node node = dht.getNode();
        if (closed || node == null) {
            return List.of();
        }
        return routingTableEntries(node).stream()
                .sorted(Comparator.comparing((KBucketEntry e) -> !e.verifiedReachable()))
                .map(KBucketEntry::getAddress)
                .distinct()
                .collect(Collectors.toList());
    }

    private static List<KBucketEntry> routingTableEntries(Node node) {
        return node.table().stream().flatMap(entry -> entry.getBucket().entriesStream()).collect(Collectors.toList());
    }

    /**
     * Writes the routing table's nodes to the state file now (it is also written every ten minutes
     * and on close). An empty table does not overwrite an older file: a run that never got online
     * should not make the next one forget.
     */
    public void saveState() throws IOException {
        Path file = config.stateFile();
        if (file == null) {
            return;
        }
        List<InetSocketAddress> nodes = knownNodes();
        if (nodes.isEmpty()) {
            LOG.debug("DHT routing table empty; keeping the state file as it is");
            return;
        }
        DhtStateFile.write(file, nodes);
        LOG.debug("Saved {} DHT nodes to {}", Math.min(nodes.size(), DhtStateFile.MAX_NODES), file);
    }

    private void saveStateQuietly() {
        try {
            saveState();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not save the DHT state to {}: {}", config.stateFile(), e.toString());
        }
    }

    /**
     * Saves the state, stops the node, and fails what is still pending. Returns once the UDP port
     * is free again (mldht's selector releases a closed socket on its next turn, within ~100 ms), so
     * a node can be restarted on the same port at once. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            saveStateQuietly();
            closed = true;
        }
        failPending();
        try {
            dht.stop();
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping the DHT node {}", name, e);
        }
        shutdownThreads();
        failPending(); // any begun while closing: their timers died with the scheduler
        awaitPortReleased();
    }

    private void failPending() {
        for (Operation<?> op : List.copyOf(pending)) {
            op.fail(new DhtException("the DHT node was closed"));
        }
    }

    private void awaitPortReleased() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (true) {
            try (DatagramSocket probe = new DatagramSocket(null)) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(config.bindAddress(), port));
                return;
            } catch (IOException stillBound) {
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn("DHT node {}: UDP port still bound {} ms after close", name, CLOSE_WAIT_MS);
                    return;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void shutdownThreads() {
        scheduler.shutdownNow();
        resolver.shutdownNow();
        events.shutdown();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
            for (ExecutorService executor : List.of(scheduler, events, resolver)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !executor.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                    LOG.warn("DHT node {}: threads still running after {} ms", name, CLOSE_WAIT_MS);
                    events.shutdownNow();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- joining

    /**
     * While the routing table is thin: ping the saved nodes and the bootstrap nodes, and look
     * ourselves up through whoever answered, so the table fills without waiting for mldht's own
     * refresh (which comes minutes later). Retries after 1 s, then backs off to a minute; checks
     * every half minute once healthy. (Gently: mldht delays requests to an address it sent more than
     * ten in the last few seconds, and that would slow the first lookups.)
     */
    private void bootstrapRound() {
        if (closed) {
            return;
        }
        long next;
        try {
            int known = tableSize();
            if (known < HEALTHY_TABLE) {
                savedNodes.forEach(this::ping);
                for (BootstrapNode bootstrap : config.bootstrapNodes()) {
                    resolveThenPing(bootstrap);
                }
                if (known > 0) {
                    lookUpSelf();
                }
                next = bootstrapDelayMs;
                bootstrapDelayMs = Math.min(bootstrapDelayMs * 2, MAX_BOOTSTRAP_DELAY_MS);
            } else {
                bootstrapDelayMs = BOOTSTRAP_RETRY_MS;
                next = HEALTH_CHECK_MS;
            }
        } catch (RuntimeException e) {
            if (closed) {
                return;
            }
            LOG.warn("DHT bootstrap round failed", e);
            next = MAX_BOOTSTRAP_DELAY_MS;
        }
        if (!closed) {
            scheduler.schedule(this::bootstrapRound, next, TimeUnit.MILLISECONDS);
        }
    }

    private void resolveThenPing(BootstrapNode bootstrap) {
        byte[] literal = ipv4Literal(bootstrap.host());
        if (literal != null) {
            try {
                ping(new InetSocketAddress(InetAddress.getByAddress(literal), bootstrap.port()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        // a name: look it up off mldht's threads, DNS can take seconds
        resolver.execute(() -> {
            try {
                for (InetAddress address : InetAddress.getAllByName(bootstrap.host())) {
                    if (address instanceof Inet4Address) {
                        InetSocketAddress node = new InetSocketAddress(address, bootstrap.port());
                        scheduler.execute(() -> ping(node));
                    }
                }
            } catch (IOException e) {
                LOG.debug("Cannot resolve DHT bootstrap node {}: {}", bootstrap, e.toString());
            }
        });
    }

    private static byte[] ipv4Literal(String host) {
        InetSocketAddress parsed = DhtStateFile.parseIpv4Endpoint(host + ":1");
        return parsed == null ? null : parsed.getAddress().getAddress();
    }

    /** Pings {@code address}; an answer enters it into the routing table (also a test hook: introducing nodes). */
    void ping(InetSocketAddress address) {
        if (closed) {
            return;
        }
        if (AddressUtils.isBogon(address)) {
            if (warnedBogons.add(address)) {
                LOG.warn("Ignoring DHT node {}: mldht talks only to global unicast addresses (not loopback, private or link-local)", address);
            }
            return;
        }
        RPCServer server = dht.getServerManager().getRandomActiveServer(true);
        if (server != null) {
            server.ping(address);
        }
    }

    private void lookUpSelf() {
        RPCServer server = dht.getServerManager().getRandomActiveServer(true);
        if (server == null || !selfLookupRunning.compareAndSet(false, true)) {
            return;
        }
        NodeLookup lookup = new NodeLookup(server.getDerivedID(), server, dht.getNode(), true);
        lookup.setInfo("BitWeb bootstrap: lookup for self");
        lookup.addListener(t -> selfLookupRunning.set(false));
        submit(lookup);
    }

    /**
     * Queues a task and starts it now if there is room: mldht's task manager otherwise starts queued
     * tasks only when an RPC call of the same socket changes state or on its once-a-second tick
     * (which begins 5 s after start), so a lookup on a quiet node would idle for up to that long.
     */
    private void submit(Task task) {
        var tasks = dht.getTaskManager();
        tasks.addTask(task);
        tasks.dequeue(task.getRPC());
    }

    // ---------------------------------------------------------------- test hooks

    /** Peers this node stores for {@code infohash} because others announced to it. */
    Set<InetSocketAddress> storedPeers(byte[] infohash) {
        Database db = dht.getDatabase();
        Database.PeersSeeds stored = db == null ? null : db.getData().get(new Key(infohash));
        if (stored == null) {
            return Set.of();
        }
        return Stream.concat(stored.peers().stream(), stored.seeds().stream())
                .map(PeerAddressDBItem::toSocketAddress)
                .collect(Collectors.toSet());
    }

    @Override
    public String toString() {
        return "DhtNode[" + localAddress() + "]";
    }

    // ---------------------------------------------------------------- operations

    /**
     * One user-visible operation: its future, the mldht tasks working for it, and its deadline.
     * Completes once: with the task's result, with what was found by the deadline, or failed.
     */
    private final class Operation<T> {
        private final String what;
        private final CompletableFuture<T> future = new CompletableFuture<>();
        private final AtomicBoolean done = new AtomicBoolean();
        private final List<Task> tasks = new CopyOnWriteArrayList<>();
        private final List<Runnable> onEnd = new CopyOnWriteArrayList<>();
        private final Supplier<T> soFar;
        private final long deadline;
        private final ScheduledFuture<?> timer;

        Operation(String what, Duration timeout, Supplier<T> soFar) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, not " + timeout);
            }
            if (closed) {
                throw new DhtException("the DHT node is closed");
            }
            this.what = what;
            this.soFar = soFar;
            this.deadline = System.nanoTime() + timeout.toNanos();
            pending.add(this);
            try {
                this.timer = scheduler.schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                pending.remove(this);
                throw new DhtException("the DHT node is closed");
            }
        }

        CompletableFuture<T> future() {
            return future;
        }

        boolean isDone() {
            return done.get();
        }

        /** Runs {@code action} when the operation ends, however it ends (to stop the work done for it). */
        void onEnd(Runnable action) {
            onEnd.add(action);
            if (done.get()) {
                action.run();
            }
        }

        void track(Task task) {
            tasks.add(task);
            if (done.get()) {
                task.kill();
            }
        }

        /** Runs {@code start} once the routing table has a node, or fails at the deadline. */
        void whenNodesKnown(Consumer<RPCServer> start) {
            try {
                scheduler.execute(() -> tryStart(start));
            } catch (RejectedExecutionException closing) {
                fail(new DhtException("the DHT node was closed"));
            }
        }

        private void tryStart(Consumer<RPCServer> start) {
            if (done.get()) {
                return;
            }
            try {
                Node node = dht.getNode();
                RPCServer server = dht.getServerManager().getRandomActiveServer(true);
                if (node != null && server != null && tableSize() > 0) {
                    start.accept(server);
                } else if (System.nanoTime() - deadline < 0 && !closed) {
                    scheduler.schedule(() -> tryStart(start), WAIT_FOR_NODES_POLL_MS, TimeUnit.MILLISECONDS);
                }
            } catch (RejectedExecutionException closing) {
                fail(new DhtException("the DHT node was closed"));
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void timedOut() {
            if (tableSize() == 0) {
                fail(new DhtException("no DHT node has answered " + localAddress() + " yet (bootstrap nodes: "
                        + config.bootstrapNodes() + ", " + savedNodes.size() + " saved nodes); " + what + " gave up"));
            } else {
                complete(soFar.get());
            }
        }

        void callback(Runnable action) {
            onEventThread(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("DHT callback for {} failed", what, e);
                }
            });
        }

        void complete(T value) {
            if (finish()) {
                onEventThread(() -> future.complete(value));
            }
        }

        void fail(Throwable error) {
            if (finish()) {
                onEventThread(() -> future.completeExceptionally(error));
            }
        }

        /** Keeps user code off mldht's threads; after close there is no event thread, so run here. */
        private void onEventThread(Runnable action) {
            try {
                events.execute(action);
            } catch (RejectedExecutionException closing) {
                action.run();
            }
        }

        private boolean finish() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            pending.remove(this);
            timer.cancel(false);
            tasks.forEach(Task::kill);
            onEnd.forEach(Runnable::run);
            return true;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void checkTwentyBytes(byte[] bytes, String what) {
        checkLength(bytes, 20, what);
    }

    private static void checkLength(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, not "
                    + (bytes == null ? "null" : bytes.length + ": " + HexFormat.of().formatHex(bytes)));
        }
    }

}
