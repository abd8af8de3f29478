package org.bitweb.dht;

import lbms.plugins.mldht.kad.DHT.DHTtype;
import lbms.plugins.mldht.kad.DHTConstants;
import lbms.plugins.mldht.kad.KBucketEntry;
import lbms.plugins.mldht.kad.KClosestNodesSearch;
import lbms.plugins.mldht.kad.Key;
import lbms.plugins.mldht.kad.NodeList;
import lbms.plugins.mldht.kad.RPCCall;
import lbms.plugins.mldht.kad.RPCCallListener;
import lbms.plugins.mldht.kad.RPCServer;
import lbms.plugins.mldht.kad.RPCState;
import lbms.plugins.mldht.kad.DBItem;
import lbms.plugins.mldht.kad.PeerAddressDBItem;
import lbms.plugins.mldht.kad.messages.AbstractLookupRequest;
import lbms.plugins.mldht.kad.messages.AbstractLookupResponse;
import lbms.plugins.mldht.kad.messages.GetPeersRequest;
import lbms.plugins.mldht.kad.messages.GetPeersResponse;
import lbms.plugins.mldht.kad.messages.GetRequest;
import lbms.plugins.mldht.kad.messages.GetResponse;
import lbms.plugins.mldht.kad.messages.MessageBase;
import lbms.plugins.mldht.kad.utils.AddressUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * BitWeb's own BEP 44 {@code get} traversal, and its BEP 5 {@code get_peers} twin for announces
 * ({@link #peers}): asks the nodes closest to a target, closer and closer,
 * until the {@link #K} closest nodes that answer have answered. Built on mldht's routing table (the
 * first nodes to ask) and its RPC server (transaction ids, timeouts, and the routing table's record
 * of who answered), but not on mldht's {@code GetLookupTask}: that one throws on a {@code get}
 * answer with a value and no {@code nodes} (what bittorrent-dht sends for an item it holds), which
 * stalls the lookup and loses the node's write token (docs/DHT.md, "BEP 44 traversal").
 *
 * <p>Every answer BEP 5/44/46 allow counts: without {@code nodes}, with {@code nodes6} only, with
 * keys nobody defined, with a {@code v} that is no mutable item of this key (ignored as a value,
 * its nodes and token still used). Answers mldht cannot parse, errors and silence make a node
 * {@code failed}; a node slow to answer stops counting after {@link #SLOW_MS}, so neither holds the
 * lookup up for mldht's 10 s timeout. A node among the {@link #K} closest that is slow is asked once
 * more at once, within the same grace (a request dropped under an mldht node's per-address
 * throttle, a lost packet).
 *
 * <p>Unlike mldht's {@code PeerLookupTask}, it never leaves a node out because this node sent it
 * many requests lately: mldht marks such a node "throttled" when it enters a lookup's candidates
 * and never asks it, so the second of several lookups for nearby targets (sites announced at
 * once, on a small network) skipped the closest nodes and announced to farther ones. Here such a
 * request is only delayed, by mldht's outgoing throttle (10 at once, then 2 a second per address).
 *
 * <p>Runs on {@code executor} (the DHT node's single scheduler thread): every method that changes
 * state is called there, so the class needs no locks beyond the {@code synchronized} guarding
 * against a caller on another thread.
 */
final class ItemLookup {
    private static final Logger LOG = LoggerFactory.getLogger(ItemLookup.class);

    /** How many closest nodes a lookup settles on, and a put stores on (BEP 5's bucket size). */
    static final int K = DHTConstants.MAX_ENTRIES_PER_BUCKET;
    /** Requests in flight at once, not counting slow ones. */
    static final int PARALLEL = 4;
    /** At most this many requests per lookup, however many nodes answers name. */
    static final int MAX_REQUESTS = 96;
    /** After this long a request no longer occupies a slot (another node is asked meanwhile). */
    static final long SLOW_MS = 750;
    /** A slow node among the closest is waited for this long from its request, then done without. */
    static final long GRACE_MS = 1_500;
    /** Seeds taken from the routing table. */
    private static final int SEEDS = K * 4;

    enum State { NEW, ASKED, SLOW, ANSWERED, FAILED }

    /** One node the lookup heard of: its id and address, and what it answered. */
    static final class Candidate {
        Key id;
        final InetSocketAddress address;
        State state = State.NEW;
        long sentAt;
        byte[] token;
        /** The verified item this node returned, if any. */
        MutableItem item;
        /** Requests sent to it (a slow close node is asked twice), and the last one. */
        int attempts;
        RPCCall latest;

        Candidate(Key id, InetSocketAddress address) {
            this.id = id;
            this.address = address;
        }

        @Override
        public String toString() {
            return address.getAddress().getHostAddress() + "/" + state + (token == null ? "" : "+token")
                    + (item == null ? "" : "+seq" + item.seq());
        }
    }

    /** Checks a value a node returned; null when it is not the item this lookup is after. */
    interface ValueCheck {
        MutableItem check(GetResponse answer);
    }

    private final RPCServer server;
    private final Key target;
    private final ValueCheck valueCheck;
    private final Consumer<InetSocketAddress> onPeer;
    private final ScheduledExecutorService executor;
    private final Map<InetSocketAddress, Candidate> candidates = new HashMap<>();
    private final Set<Key> ids = new HashSet<>();
    private final Predicate<Key> isOwnId;
    private final Comparator<Candidate> closestFirst;
    private Consumer<MutableItem> onItem = item -> {
    };
    private Consumer<ItemLookup> onDone = lookup -> {
    };
    private MutableItem best;
    private int requests;
    private int answers;
    private boolean started;
    private boolean done;

    ItemLookup(RPCServer server, Key target, ValueCheck valueCheck, ScheduledExecutorService executor, Predicate<Key> isOwnId) {
        this(server, target, valueCheck, null, executor, isOwnId);
    }

    /** A {@code get_peers} lookup: {@code onPeer} hears each peer an answer lists (duplicates included). */
    static ItemLookup peers(RPCServer server, Key infohash, Consumer<InetSocketAddress> onPeer, ScheduledExecutorService executor,
                            Predicate<Key> isOwnId) {
        return new ItemLookup(server, infohash, null, onPeer, executor, isOwnId);
    }

    private ItemLookup(RPCServer server, Key target, ValueCheck valueCheck, Consumer<InetSocketAddress> onPeer,
                       ScheduledExecutorService executor, Predicate<Key> isOwnId) {
        this.server = server;
        this.target = target;
        this.valueCheck = valueCheck;
        this.onPeer = onPeer;
        this.executor = executor;
        this.isOwnId = isOwnId;
        this.closestFirst = (a, b) -> compareDistance(a.id, b.id, target);
    }

    /** XOR distance order: negative when {@code a} is closer to {@code target} than {@code b}. */
    static int compareDistance(Key a, Key b, Key target) {
        byte[] x = a.getHash();
        byte[] y = b.getHash();
        byte[] t = target.getHash();
        for (int i = 0; i < t.length; i++) {
            int dx = (x[i] ^ t[i]) & 0xff;
            int dy = (y[i] ^ t[i]) & 0xff;
            if (dx != dy) {
                return Integer.compare(dx, dy);
            }
        }
        return 0;
    }

    ItemLookup onItem(Consumer<MutableItem> onItem) {
        this.onItem = onItem;
        return this;
    }

    ItemLookup onDone(Consumer<ItemLookup> onDone) {
        this.onDone = onDone;
        return this;
    }

    /** Starts from the routing table's nodes closest to the target. */
    synchronized void start(lbms.plugins.mldht.kad.DHT dht) {
        KClosestNodesSearch closest = new KClosestNodesSearch(target, SEEDS, dht);
        closest.fill();
        start(closest.getEntries());
    }

    /**
     * Starts from {@code first} (nodes known to be close to the target: those that took its last
     * announce), then the routing table's closest. Only the {@link #K} closest are asked, so when
     * {@code first} are still the closest and answer, the lookup asks them and nobody else; when
     * some are gone or their answers name closer nodes, it goes on as any lookup does.
     */
    synchronized void start(lbms.plugins.mldht.kad.DHT dht, List<KBucketEntry> first) {
        KClosestNodesSearch closest = new KClosestNodesSearch(target, SEEDS, dht);
        closest.fill();
        List<KBucketEntry> seeds = new ArrayList<>(first);
        seeds.addAll(closest.getEntries());
        start(seeds);
    }

    synchronized void start(List<KBucketEntry> seeds) {
        if (started) {
            return;
        }
        started = true;
        seeds.forEach(e -> add(e.getID(), e.getAddress()));
        pump();
    }

    /** Stops asking; calls in flight are left to mldht's timeouts, their answers ignored. */
    synchronized void cancel() {
        done = true;
    }

    /** Ends the lookup now with what it has (its onDone runs), unless it has ended. */
    synchronized void stop() {
        if (!done) {
            finish();
        }
    }

    synchronized boolean isDone() {
        return done;
    }

    synchronized MutableItem best() {
        return best;
    }

    /** Requests sent so far. */
    synchronized int requests() {
        return requests;
    }

    synchronized int answers() {
        return answers;
    }

    /** The nodes that answered and handed out a write token, closest first. */
    synchronized List<Candidate> tokenHolders() {
        return candidates.values().stream()
                .filter(c -> c.state == State.ANSWERED && c.token != null)
                .sorted(closestFirst)
                .toList();
    }

    private void add(Key id, InetSocketAddress address) {
        if (id == null || address == null || AddressUtils.isBogon(address) || isOwnId.test(id)
                || candidates.containsKey(address) || !ids.add(id)) {
            return;
        }
        candidates.put(address, new Candidate(id, address));
    }

    /** Asks the next closest nodes while slots are free; ends the lookup when there is nothing left to wait for. */
    private void pump() {
        if (done) {
            return;
        }
        List<Candidate> live = candidates.values().stream()
                .filter(c -> c.state != State.FAILED && c.state != State.SLOW)
                .sorted(closestFirst)
                .toList();
        long inFlight = live.stream().filter(c -> c.state == State.ASKED).count();
        for (int i = 0; i < live.size() && i < K && inFlight < PARALLEL && requests < MAX_REQUESTS; i++) {
            Candidate c = live.get(i);
            if (c.state == State.NEW) {
                ask(c);
                inFlight++;
            }
        }
        if (inFlight > 0) {
            return;
        }
        boolean unasked = live.stream().limit(K).anyMatch(c -> c.state == State.NEW) && requests < MAX_REQUESTS;
        if (unasked) {
            return;
        }
        // Slow nodes closer than the K-th answer are worth a short wait: they may be the closest of all.
        long now = System.nanoTime();
        Candidate kth = live.size() >= K ? live.get(K - 1) : null;
        long waitMs = candidates.values().stream()
                .filter(c -> c.state == State.SLOW && (kth == null || compareDistance(c.id, kth.id, target) < 0))
                .mapToLong(c -> GRACE_MS - TimeUnit.NANOSECONDS.toMillis(now - c.sentAt))
                .filter(left -> left > 0)
                .max().orElse(0);
        if (waitMs > 0) {
            executor.schedule(this::recheck, waitMs, TimeUnit.MILLISECONDS);
            return;
        }
        finish();
    }

    private synchronized void recheck() {
        guarded("recheck", this::pump);
    }

    private void finish() {
        done = true;
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {}: {} requests, {} answers, {} token holders, best seq {}; closest: {}", onPeer == null ? "get" : "get_peers",
                    target.toString(false), requests,
                    answers, tokenHolders().size(), best == null ? "none" : best.seq(), closest(12));
        }
        onDone.accept(this);
    }

    private void ask(Candidate c) {
        AbstractLookupRequest request = onPeer == null ? new GetRequest(target) : new GetPeersRequest(target);
        // mldht always sends "want" (BEP 32), and an mldht node answers an empty one without nodes
        request.setWant4(true);
        request.setDestination(c.address);
        RPCCall call = new RPCCall(request).setExpectedID(c.id).setExpectedRTT(SLOW_MS);
        call.addListener(new RPCCallListener() {
            @Override
            public void stateTransition(RPCCall rpc, RPCState from, RPCState to) {
                // mldht calls this holding the call's lock: hand the event to the lookup's thread
                executor.execute(() -> event(c, rpc, to));
            }
        });
        c.state = State.ASKED;
        c.sentAt = System.nanoTime();
        c.attempts++;
        c.latest = call;
        requests++;
        server.doCall(call);
    }

    private synchronized void event(Candidate c, RPCCall call, RPCState to) {
        guarded("answer from " + c.address, () -> {
            if (c.state == State.ANSWERED || c.state == State.FAILED) {
                return; // the other request to a node asked twice
            }
            if (to != RPCState.RESPONDED && call != c.latest) {
                return; // the first request to a node asked again: the second one decides
            }
            if (to == RPCState.SENT) {
                // mldht's outgoing throttle may have held it back (10 at once, then 2 a second per
                // address, as after a burst to the same closest nodes): the grace runs from when
                // the first request left, as its stall does, not from when it was queued
                if (c.attempts == 1) {
                    c.sentAt = System.nanoTime();
                }
                return;
            }
            switch (to) {
                case RESPONDED -> answered(c, call.getResponse());
                case ERROR, TIMEOUT -> c.state = State.FAILED;
                case STALLED -> {
                    if (c.state == State.ASKED) {
                        if (c.attempts == 1 && !done && amongClosest(c) && requests < MAX_REQUESTS) {
                            // asked again at once: it may be the closest of all. Its grace still runs from
                            // the first request, and it holds no slot meanwhile (another node is asked)
                            long first = c.sentAt;
                            ask(c);
                            c.sentAt = first;
                        }
                        c.state = State.SLOW;
                    }
                }
                default -> {
                    return;
                }
            }
            pump();
        });
    }

    /** Whether {@code c} is one of the K closest nodes not known to have failed. */
    private boolean amongClosest(Candidate c) {
        return candidates.values().stream().filter(o -> o.state != State.FAILED)
                .filter(o -> compareDistance(o.id, c.id, target) < 0).limit(K).count() < K;
    }

    private void answered(Candidate c, MessageBase message) {
        if (!(message instanceof AbstractLookupResponse answer) || message.getType() != MessageBase.Type.RSP_MSG) {
            c.state = State.FAILED;
            return;
        }
        c.state = State.ANSWERED;
        Key answeredId = answer.getID();
        if (answeredId != null && !answeredId.equals(c.id) && ids.add(answeredId)) {
            // a node's id is the one it answers with; others' tables may hold an older one (libtorrent
            // takes a new id once it learns its external address, BEP 42), and the distance is what
            // decides whether it is among the closest
            ids.remove(c.id);
            c.id = answeredId;
        }
        answers++;
        byte[] token = answer.getToken();
        if (token != null && token.length > 0) {
            c.token = token.clone();
        }
        if (answer instanceof GetPeersResponse peers && onPeer != null) {
            for (DBItem item : peers.getPeerItems()) {
                if (item instanceof PeerAddressDBItem peer && !AddressUtils.isBogon(peer)) {
                    onPeer.accept(peer.toSocketAddress());
                }
            }
        }
        if (valueCheck != null && answer instanceof GetResponse got && got.getRawValue() != null) {
            MutableItem item = valueCheck.check(got);
            if (item != null) {
                c.item = item;
                if (best == null || item.seq() > best.seq()) {
                    best = item;
                    if (!done) {
                        onItem.accept(item);
                    }
                }
            }
        }
        // nodes6 (an IPv6 list) is of no use to an IPv4 lookup; either list may be absent
        NodeList nodes = answer.getNodes(DHTtype.IPV4_DHT);
        if (nodes != null) {
            nodes.entries().forEach(e -> add(e.getID(), e.getAddress()));
        }
    }

    /** An exception here would otherwise vanish into the executor's future and stall the lookup. */
    private void guarded(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("DHT get {}: {} failed; ending the lookup with what it has", target.toString(false), what, e);
            if (!done) {
                finish();
            }
        }
    }

    /** The raw bytes of a {@code v}. */
    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private String closest(int n) {
        List<Candidate> sorted = new ArrayList<>(candidates.values());
        sorted.sort(closestFirst);
        return Arrays.toString(sorted.stream().limit(n).toArray());
    }

    @Override
    public synchronized String toString() {
        return "ItemLookup[" + target.toString(false) + " " + closest(Integer.MAX_VALUE) + "]";
    }
}
