package org.bitweb.comments;

import org.bitweb.bt.CappedMessageHandler;
import org.bitweb.log.Threads;
import bt.metainfo.TorrentId;
import bt.module.ProtocolModule;
import bt.module.ServiceModule;
import bt.net.ConnectionKey;
import com.google.inject.Module;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.PeerFinder;
import org.bitweb.keys.KeyRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Comments in a running engine: the store and identity ({@link Comments}), the exchange over the
 * sites' connections ({@link CommentExchange}) and the DHT topics ({@link CommentTopics}), joined
 * to the engine through {@link Host}, so that the engine's wiring is a few lines and this package
 * never imports the engine.
 */
public final class CommentNetwork implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommentNetwork.class);
    /** A DHT lookup for a site's comment holders gives up after this. */
    static final Duration LOOKUP = Duration.ofSeconds(15);
    /** How long a publish's links are tried to be delivered before they wait for a peer to connect. */
    static final Duration DELIVER = Duration.ofSeconds(60);

    /** What comments need of the engine. */
    public interface Host {
        /** Whether this engine shares (serves) a torrent: its peers get comments from it, not only its own. */
        boolean serves(TorrentId torrent);

        /** The sites a torrent is a version of: the immutable site itself, updatable sites whose versions include it. */
        List<SiteAddress> sitesOf(TorrentId torrent);

        /** The sites this engine shares (publishes or seeds): it holds and serves their comments. */
        Collection<SiteAddress> held();

        /** Reaches a site's swarm (fetching the site as a visitor if it is not here), asking {@code peers} first. */
        void connect(SiteAddress site, List<InetSocketAddress> peers);
    }

    private final Comments comments;
    private final KeyRing ring;
    private final CommentExchange exchange;
    private volatile Host host;
    private volatile CommentTopics topics;
    private final ExecutorService background = Threads.singleThread("comment-links");
    private volatile boolean closed;

    private CommentNetwork(Comments comments, KeyRing ring) {
        this.comments = comments;
        this.ring = ring;
        this.exchange = new CommentExchange(comments, torrent -> {
            Host h = host;
            return h != null && h.serves(torrent);
        }, torrent -> {
            Host h = host;
            return h != null ? h.sitesOf(torrent) : List.of();
        });
    }

    /**
     * Opens the comments of the state folder ({@code <state>/comments}); sites whose key is in
     * {@code ring} are this machine's to moderate. Nothing is sent or served before {@link #attach}.
     */
    public static CommentNetwork open(Path dir, KeyRing ring) throws IOException {
        return new CommentNetwork(Comments.open(dir, site -> ring.find(site.bytes()).map(Signer::of)), ring);
    }

    /** What bt needs: the exchange as a messaging agent and the message's codec, under its BEP 10 name. */
    public Module module() {
        return binder -> {
            ServiceModule.extend(binder).addMessagingAgent(exchange);
            ProtocolModule.extend(binder).addExtendedMessageHandler(CommentMessage.NAME, new CappedMessageHandler<>(CommentMessage.class, CommentMessage.MAX_PAYLOAD, CommentMessage::decode, CommentMessage::encode));
        };
    }

    /** Joins the engine (made after the bt runtime) and, with a DHT, starts announcing the held sites' topics. */
    public void attach(Host engine, PeerFinder dht, int peerPort) {
        this.host = engine;
        if (dht != null) {
            CommentTopics t = new CommentTopics(dht, peerPort, () -> holdingRecords(engine.held()));
            t.start(Duration.ofSeconds(5));
            topics = t;
            onSiteChanged(t::recordsCame);
        }
    }

    /**
     * The held sites whose topic is worth announcing: those with records or a moderation list
     * here. A reader looks a topic up for comments, and a holder without any has none to give; a
     * commenter or a publisher delivering links reaches such a holder through the site's own
     * swarm ({@link #reachUntilConnected}). Announcing only these halves the announces of an
     * engine seeding many sites nobody has commented on (docs/DHT.md).
     */
    private Collection<SiteAddress> holdingRecords(Collection<SiteAddress> held) {
        Set<SiteAddress> withRecords = new java.util.HashSet<>(comments.store().sites());
        return held.stream().filter(withRecords::contains).toList();
    }

    /** Whether this engine shares the site (so holds and serves its comments): peers reach it, it need not reach them. */
    public boolean holds(SiteAddress site) {
        Host h = host;
        return h != null && h.held().contains(site);
    }

    public Comments comments() {
        return comments;
    }

    public CommentExchange exchange() {
        return exchange;
    }

    /**
     * Drops what this engine holds for a site (records, its moderation list), rewriting the log
     * at once: a forgotten site leaves nothing on disk that names it. A failure is logged: the
     * site itself is gone either way.
     */
    public void forget(SiteAddress site) {
        try {
            comments.forget(site);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot drop the comments of a removed site: {}", e.toString());
        }
    }

    /**
     * Told the site whose records or moderation list changed here (written, or learnt from a
     * peer), at most once per {@link #CHANGED_EVERY} and site, so a sync of thousands of records
     * is one notice, not thousands.
     */
    public void onSiteChanged(Consumer<SiteAddress> listener) {
        Set<SiteAddress> soon = java.util.concurrent.ConcurrentHashMap.newKeySet(); // per listener: each hears every site
        comments.onChange(change -> {
            if (soon.add(change.site())) {
                notices.schedule(() -> {
                    soon.remove(change.site());
                    try {
                        listener.accept(change.site());
                    } catch (RuntimeException e) {
                        log.warn("a comments listener failed", e);
                    }
                }, CHANGED_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        });
    }

    static final Duration CHANGED_EVERY = Duration.ofMillis(200);
    private final java.util.concurrent.ScheduledExecutorService notices = Threads.scheduler("comment-notices", 1);

    /** bt closed a connection. */
    public void disconnected(ConnectionKey connection) {
        exchange.disconnected(connection);
    }

    /** A site became shared: its topic is announced now rather than at the next round. */
    public void held(SiteAddress site) {
        CommentTopics t = topics;
        if (t != null) {
            t.heldNow(site);
        }
    }

    /** How a refresh went: peers asked, and how many answered in time. */
    public record Refresh(int asked, int answered) {
    }

    /**
     * Asks the site's peers for a page's comments and waits up to {@code wait} for their answers:
     * what the sidebar and {@code bitweb comments} show afterwards is what the swarm knows. With no
     * peer connected, the site's swarm is reached (the site's own lookup, and the DHT topic of its
     * comment holders).
     */
    public Refresh refresh(Page page, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (CommentExchange.Request request = exchange.request(page)) {
            reachUntilConnected(page.site(), deadline, request::await);
            int answered = request.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            return new Refresh(request.asked(), answered);
        }
    }

    /** Waits up to a time, returning early when there is news: a request's answers, or just the time. */
    private interface Pause {
        int await(Duration at) throws InterruptedException;
    }

    /**
     * With no peer of the site connected, reaches its swarm: the site's own lookup (for an
     * updatable site, its current version first) and the holders announced under its comment
     * topic, asked again every {@link #RETRY} until a peer speaking the extension is connected
     * or the deadline passes (a version being resolved takes the peers found so far once it is).
     */
    private void reachUntilConnected(SiteAddress site, long deadline, Pause pause) throws InterruptedException {
        Host h = host;
        if (h == null || exchange.peersOf(site) > 0) {
            return;
        }
        Set<InetSocketAddress> found = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CommentTopics t = topics;
        if (t != null) {
            try {
                t.lookup(site, LOOKUP, found::add);
            } catch (RuntimeException e) {
                log.debug("cannot look up the comment holders of {}: {}", site.host(), e.toString());
            }
        }
        while (exchange.peersOf(site) == 0 && System.nanoTime() < deadline) {
            try {
                h.connect(site, List.copyOf(found));
            } catch (RuntimeException e) {
                log.debug("cannot reach the swarm of {}: {}", site.host(), e.toString());
            }
            pause.await(RETRY);
        }
    }

    private static final Duration RETRY = Duration.ofMillis(250);

    /**
     * A folder was published here as a version of the site that key {@code keyName} signs: see
     * {@link #published(Signer, SiteAddress, Path)}.
     */
    public Future<List<CommentRecord>> published(SiteAddress site, String keyName, Path folder) throws IOException {
        return published(Signer.of(ring.load(keyName)), site, folder);
    }

    /**
     * A site was published here under its key: the links its HTML pages (in {@code folder}, as
     * published) make to other sites become link records (each a second of work, in the
     * background, in order) and go to those sites' holders, reached through the DHT when none is
     * connected.
     *
     * @return the records made, when done
     */
    public Future<List<CommentRecord>> published(Signer siteKey, SiteAddress site, Path folder) {
        Path data = folder;
        return background.submit(() -> {
            List<Backlinks.Link> links = Backlinks.of(site, data);
            List<CommentRecord> made = comments.links(siteKey, links, () -> closed);
            Set<SiteAddress> targets = new LinkedHashSet<>();
            made.forEach(record -> targets.add(record.site()));
            for (SiteAddress target : targets) {
                // on connecting, the exchange hands over what this engine wrote for the site
                reachUntilConnected(target, System.nanoTime() + DELIVER.toNanos(), at -> {
                    Thread.sleep(at.toMillis());
                    return 0;
                });
                if (exchange.peersOf(target) == 0) {
                    log.info("no peer of {} reached: its links go when one connects", target.host());
                }
            }
            if (!made.isEmpty()) {
                log.info("{} made {} link records to {} other sites", site.host(), made.size(), targets.size());
            }
            return made;
        });
    }

    @Override
    public void close() throws IOException {
        closed = true;
        background.shutdownNow();
        notices.shutdownNow();
        CommentTopics t = topics;
        if (t != null) {
            t.close();
        }
        exchange.close();
        comments.close();
    }
}
