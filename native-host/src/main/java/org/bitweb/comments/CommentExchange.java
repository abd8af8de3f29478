package org.bitweb.comments;

import org.bitweb.log.Threads;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Message;
import bt.protocol.extended.ExtendedHandshake;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import org.bitweb.address.SiteAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Passes comments between the peers of a site over the connections its pages travel on, with
 * the BEP 10 message {@value CommentMessage#NAME} ({@link CommentMessage}).
 *
 * <ul>
 *   <li>A <b>holder</b> (an engine that shares one of the site's torrents: its publisher and those
 *   who seed it) asks each new peer for the whole site ({@code get} with its day digest) and sends
 *   its moderation list; it answers {@code get}s with the records of the days that differ, and
 *   passes on every record and list it keeps to its other peers of the site.</li>
 *   <li>A <b>visitor</b> sends, to each new peer, the records it wrote itself on the site, and
 *   asks for a page's comments when a reader looks at them ({@link #request}). It answers no
 *   {@code get} and passes nothing on: it receives, it does not serve.</li>
 * </ul>
 *
 * Incoming work is bounded: records are checked on one worker thread (never bt's), at most
 * {@link #RECORDS_PER_SECOND} per connection on average, a {@code get} is answered at most once
 * per page and peer every {@link #GET_INTERVAL}, and an answer is read from the store one batch
 * at a time as the connection drains.
 */
public final class CommentExchange implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommentExchange.class);
    /** Records one connection may make this engine check per second, on average (bursts up to ten times as many). */
    static final int RECORDS_PER_SECOND = 500;
    static final Duration GET_INTERVAL = Duration.ofSeconds(2);
    /** How long a page a reader looked at is asked for on connections that open afterwards. */
    static final Duration INTEREST = Duration.ofMinutes(2);
    /** What a visitor wrote is handed to new peers for this long. */
    static final Duration OUTBOX = Duration.ofDays(7);
    private static final int MAX_QUEUED_MESSAGES = 256;
    private static final int MESSAGES_PER_ROUND = 8;
    /** Answers under way to one peer; asks beyond them are not answered. */
    private static final int MAX_ANSWERS = 16;

    private final Comments comments;
    private final Predicate<TorrentId> holds;
    private final Function<TorrentId, List<SiteAddress>> sitesOf;
    private final ExecutorService worker;
    private final Map<ConnectionKey, Peer> peers = new ConcurrentHashMap<>();
    /** Pages a reader looked at recently, by site: asked for on new connections too. */
    private final Map<SiteAddress, Map<String, Long>> interest = new ConcurrentHashMap<>();
    private final Set<Request> requests = ConcurrentHashMap.newKeySet();

    /**
     * @param holds   whether this engine shares (serves) a torrent
     * @param sitesOf the sites a torrent is a version of: the infohash site itself, and updatable
     *                sites whose versions include it
     */
    public CommentExchange(Comments comments, Predicate<TorrentId> holds, Function<TorrentId, List<SiteAddress>> sitesOf) {
        this.comments = comments;
        this.holds = holds;
        this.sitesOf = sitesOf;
        this.worker = Threads.singleThread("comments");
        comments.onChange(this::changed);
    }

    // ---------------------------------------------------------------- connections

    /** One connection whose peer speaks the extension. */
    private final class Peer {
        final ConnectionKey key;
        volatile List<SiteAddress> sites = List.of();
        final Queue<CommentMessage> out = new ConcurrentLinkedQueue<>();
        final Deque<Answer> answers = new ArrayDeque<>();
        final Map<String, Long> answered = new ConcurrentHashMap<>();
        double budget = RECORDS_PER_SECOND * 10.0;
        long refilled = System.nanoTime();

        Peer(ConnectionKey key) {
            this.key = key;
        }

        boolean holder() {
            return holds.test(key.getTorrentId());
        }

        void send(CommentMessage message) {
            if (out.size() < MAX_QUEUED_MESSAGES) {
                out.add(message);
            } else {
                log.debug("comment messages to {} dropped: its queue is full", key.getPeer());
            }
        }

        /** Takes {@code records} from the budget; false when the peer sends faster than it may. */
        synchronized boolean spend(int records) {
            long now = System.nanoTime();
            budget = Math.min(RECORDS_PER_SECOND * 10.0, budget + (now - refilled) / 1e9 * RECORDS_PER_SECOND);
            refilled = now;
            if (budget < records) {
                return false;
            }
            budget -= records;
            return true;
        }

        String name() {
            return key.getPeer().getInetAddress().getHostAddress() + ":" + key.getRemotePort();
        }
    }

    /** An answer to a {@code get} still being sent: the days left, read as the connection drains. */
    private record Answer(SiteAddress site, String path, Deque<Long> days, Deque<byte[]> ready) {
        Answer(SiteAddress site, String path, Deque<Long> days) {
            this(site, path, days, new ArrayDeque<>());
        }
    }

    @Consumes
    public void consume(ExtendedHandshake handshake, MessageContext context) {
        if (!handshake.getSupportedMessageTypes().contains(CommentMessage.NAME)) {
            return;
        }
        Peer peer = new Peer(context.getConnectionKey());
        if (peers.putIfAbsent(peer.key, peer) == null) {
            worker.execute(() -> greet(peer));
        }
    }

    public void disconnected(ConnectionKey connection) {
        peers.remove(connection);
    }

    /** A new peer: what a holder and a visitor each send first. */
    private void greet(Peer peer) {
        try {
            peer.sites = List.copyOf(sitesOf.apply(peer.key.getTorrentId()));
            long now = Comments.now();
            for (SiteAddress site : peer.sites) {
                CommentStore store = comments.store();
                if (peer.holder()) {
                    peer.send(CommentMessage.get(site, null, store.digest(site, null), moderationSeq(site)));
                    store.moderation(site).filter(list -> !list.isEmpty()).ifPresent(list -> peer.send(CommentMessage.moderation(list)));
                } else {
                    for (String path : wantedPages(site)) {
                        peer.send(CommentMessage.get(site, path, store.digest(site, path), moderationSeq(site)));
                        requests.forEach(r -> r.asked(peer.key, site, path));
                    }
                }
                sendRecords(peer, site, store.local(site, now - OUTBOX.toSeconds(), 100));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot greet {} with comments: {}", peer.name(), e.toString());
        }
    }

    private long moderationSeq(SiteAddress site) {
        return comments.store().moderation(site).map(ModerationList::seq).orElse(0L);
    }

    private List<String> wantedPages(SiteAddress site) {
        Map<String, Long> pages = interest.get(site);
        if (pages == null) {
            return List.of();
        }
        long now = System.nanoTime();
        pages.values().removeIf(until -> until - now < 0);
        return List.copyOf(pages.keySet());
    }

    private static void sendRecords(Peer peer, SiteAddress site, List<CommentRecord> records) {
        List<byte[]> batch = new ArrayList<>();
        int bytes = 0;
        for (CommentRecord record : records) {
            byte[] encoded = record.encode();
            if (bytes + encoded.length > CommentMessage.BATCH_BYTES && !batch.isEmpty()) {
                peer.send(CommentMessage.records(site, batch));
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(encoded);
            bytes += encoded.length;
        }
        if (!batch.isEmpty()) {
            peer.send(CommentMessage.records(site, batch));
        }
    }

    // ---------------------------------------------------------------- receiving

    @Consumes
    public void consume(CommentMessage message, MessageContext context) {
        Peer peer = peers.get(context.getConnectionKey());
        if (peer == null) {
            return; // no extended handshake naming the extension: not a conversation we take part in
        }
        if (message.type() == null) {
            log.debug("malformed {} from {}: {}", CommentMessage.NAME, peer.name(), message.problem());
            return;
        }
        if (message.type() == CommentMessage.Type.RECORDS && !peer.spend(Math.max(1, message.records().size()))) {
            log.debug("{} sends records faster than {}/s; dropped {}", peer.name(), RECORDS_PER_SECOND, message.records().size());
            return;
        }
        worker.execute(() -> {
            try {
                handle(peer, message);
            } catch (IOException | RuntimeException e) {
                log.warn("comments from {}: {}", peer.name(), e.toString());
            }
        });
    }

    private void handle(Peer peer, CommentMessage message) throws IOException {
        switch (message.type()) {
            case GET -> answer(peer, message);
            case RECORDS -> receive(peer, message);
            case MODERATION -> {
                ModerationList list;
                try {
                    list = ModerationList.decode(message.moderationBytes());
                } catch (RecordException e) {
                    log.debug("moderation list from {} refused: {}", peer.name(), e.getMessage());
                    return;
                }
                if (peer.sites.contains(list.site())) {
                    comments.receive(list, peer.key);
                }
            }
        }
    }

    private void answer(Peer peer, CommentMessage get) {
        SiteAddress site = get.site();
        if (!peer.holder() || !peer.sites.contains(site)) {
            return; // visitors serve nothing; nor does anyone serve a site this connection is not about
        }
        String key = site.label() + " " + get.path();
        long now = System.nanoTime();
        Long last = peer.answered.get(key);
        if (last != null && now - last < GET_INTERVAL.toNanos()) {
            // asked again at once: the answer under way covers it; an empty one after it says so
            synchronized (peer.answers) {
                if (peer.answers.size() < MAX_ANSWERS) {
                    peer.answers.add(new Answer(site, get.path(), new ArrayDeque<>()));
                }
            }
            return;
        }
        peer.answered.put(key, now);
        Map<Long, long[]> mine = comments.store().digest(site, get.path());
        Deque<Long> days = new ArrayDeque<>();
        mine.forEach((day, value) -> {
            long[] theirs = get.digest().get(day);
            if (theirs == null || theirs[0] != value[0] || theirs[1] != value[1]) {
                days.add(day);
            }
        });
        comments.store().moderation(site).filter(list -> list.seq() > get.moderationSeq())
                .ifPresent(list -> peer.send(CommentMessage.moderation(list)));
        synchronized (peer.answers) {
            if (peer.answers.size() < MAX_ANSWERS) { // a peer asking for more at once gets what it asked first
                peer.answers.add(new Answer(site, get.path(), days));
            }
        }
    }

    private void receive(Peer peer, CommentMessage message) throws IOException {
        SiteAddress site = message.site();
        if (!peer.sites.contains(site)) {
            log.debug("{} sent records of a site its connection is not about; refused ({})", peer.name(), Refusal.WRONG_SITE.wire());
            return;
        }
        List<CommentRecord> records = new ArrayList<>();
        int refused = 0;
        for (byte[] bytes : message.records()) {
            try {
                CommentRecord record = CommentRecord.decode(bytes);
                if (!record.site().equals(site)) {
                    throw new RecordException(Refusal.WRONG_SITE, "a record of " + record.site().host());
                }
                records.add(record);
            } catch (RecordException e) {
                refused++;
            }
        }
        List<CommentStore.Outcome> outcomes = comments.receive(records, peer.key);
        long kept = outcomes.stream().filter(CommentStore.Outcome::added).count();
        if (refused > 0 || kept < records.size()) {
            log.debug("from {}: {} records kept, {} known or refused", peer.name(), kept, message.records().size() - kept);
        }
        if (message.last()) {
            requests.forEach(r -> r.answered(peer.key, site));
        }
    }

    // ---------------------------------------------------------------- sending

    /** What this engine learnt or wrote goes to the other peers of the site: all of it from a holder, only its own from a visitor. */
    private void changed(Comments.Change change) {
        for (Peer peer : peers.values()) {
            if (Objects.equals(peer.key, change.origin()) || !peer.sites.contains(change.site())) {
                continue;
            }
            boolean serve = peer.holder() || change.local();
            if (!serve) {
                continue;
            }
            if (change.moderation() != null) {
                peer.send(CommentMessage.moderation(change.moderation()));
            }
            if (!change.records().isEmpty()) {
                sendRecords(peer, change.site(), change.records());
            }
        }
    }

    @Produces
    public void produce(java.util.function.Consumer<Message> messages, MessageContext context) {
        Peer peer = peers.get(context.getConnectionKey());
        if (peer == null) {
            return;
        }
        for (int i = 0; i < MESSAGES_PER_ROUND; i++) {
            CommentMessage next = peer.out.poll();
            if (next == null) {
                next = nextAnswerBatch(peer);
            }
            if (next == null) {
                return;
            }
            messages.accept(next);
        }
    }

    /** Reads the next batch of an answer in progress, or its empty end; null when nothing is left. */
    private CommentMessage nextAnswerBatch(Peer peer) {
        synchronized (peer.answers) {
            Answer answer = peer.answers.peek();
            if (answer == null) {
                return null;
            }
            List<byte[]> batch = new ArrayList<>();
            int bytes = 0;
            try {
                while (true) {
                    if (answer.ready().isEmpty() && !answer.days().isEmpty()) {
                        long day = answer.days().poll();
                        for (CommentRecord record : comments.store().servable(answer.site(), answer.path(), List.of(day))) {
                            answer.ready().add(record.encode());
                        }
                        continue;
                    }
                    byte[] next = answer.ready().peek();
                    if (next == null || bytes + next.length > CommentMessage.BATCH_BYTES) {
                        break;
                    }
                    batch.add(answer.ready().poll());
                    bytes += next.length;
                }
            } catch (IOException e) {
                log.warn("cannot read comments for {}: {}", peer.name(), e.toString());
                answer.days().clear();
                answer.ready().clear();
            }
            if (answer.days().isEmpty() && answer.ready().isEmpty()) {
                peer.answers.poll();
                // the last batch (possibly empty) tells the asker the answer is complete
                return CommentMessage.records(answer.site(), batch, true);
            }
            return CommentMessage.records(answer.site(), batch, false);
        }
    }

    // ---------------------------------------------------------------- readers asking

    /**
     * A reader looks at a page: asks every connected peer of its site for what differs from what
     * is held here, and keeps asking new connections for {@link #INTEREST}.
     *
     * @return a handle to wait for the answers with
     */
    public Request request(Page page) {
        SiteAddress site = page.site();
        interest.computeIfAbsent(site, s -> new ConcurrentHashMap<>()).put(page.path(), System.nanoTime() + INTEREST.toNanos());
        Request request = new Request(page);
        requests.add(request);
        worker.execute(() -> {
            CommentStore store = comments.store();
            for (Peer peer : peers.values()) {
                if (peer.sites.contains(site)) {
                    request.asked(peer.key, site, page.path());
                    peer.send(CommentMessage.get(site, page.path(), store.digest(site, page.path()), moderationSeq(site)));
                }
            }
            request.started();
        });
        return request;
    }

    /** The addresses of the peers connected for a site that speak the extension. */
    public Set<java.net.InetAddress> peerAddresses(SiteAddress site) {
        Set<java.net.InetAddress> out = new java.util.HashSet<>();
        for (Peer peer : peers.values()) {
            if (peer.sites.contains(site)) {
                out.add(peer.key.getPeer().getInetAddress());
            }
        }
        return out;
    }

    /** Peers connected for a site that speak the extension. */
    public int peersOf(SiteAddress site) {
        int count = 0;
        for (Peer peer : peers.values()) {
            if (peer.sites.contains(site)) {
                count++;
            }
        }
        return count;
    }

    /**
     * The peers asked for a page, and which answered (sent the last batch of their answer). An
     * engine that waits for a page's comments waits on this, with a time limit.
     */
    public final class Request implements AutoCloseable {
        private final Page page;
        private final Set<ConnectionKey> asked = ConcurrentHashMap.newKeySet();
        private final Set<ConnectionKey> answered = ConcurrentHashMap.newKeySet();
        private volatile boolean started;

        private Request(Page page) {
            this.page = page;
        }

        void asked(ConnectionKey key, SiteAddress site, String path) {
            if (site.equals(page.site()) && path.equals(page.path())) {
                asked.add(key);
            }
        }

        void answered(ConnectionKey key, SiteAddress site) {
            if (site.equals(page.site()) && asked.contains(key)) {
                answered.add(key);
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        void started() {
            started = true;
            synchronized (this) {
                notifyAll();
            }
        }

        /**
         * Waits until every peer asked has answered (at least one), or {@code timeout}.
         *
         * @return how many peers answered
         */
        public int await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (this) {
                while (!(started && !asked.isEmpty() && answered.containsAll(asked))) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
            return answered.size();
        }

        public int asked() {
            return asked.size();
        }

        @Override
        public void close() {
            requests.remove(this);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
