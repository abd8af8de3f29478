package org.bitweb.comments;

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
    private final CommentExchange exchange;
    private volatile Host host;
    private volatile CommentTopics topics;
    private final ExecutorService background = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(() -> {
            try {
                runnable.run();
            } catch (RuntimeException | Error e) {
                log.error("comment links failed", e);
                throw e;
            }
        }, "comment-links");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    private CommentNetwork(Comments comments) {
        this.comments = comments;
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
        return new CommentNetwork(Comments.open(dir, site -> ring.find(site.bytes()).map(Signer::of)));
    }

    /** What bt needs: the exchange as a messaging agent and the message's codec, under its BEP 10 name. */
    public Module module() {
        return binder -> {
            ServiceModule.extend(binder).addMessagingAgent(exchange);
            ProtocolModule.extend(binder).addExtendedMessageHandler(CommentMessage.NAME, new CommentMessageHandler());
        };
    }

    /** Joins the engine (made after the bt runtime) and, with a DHT, starts announcing the held sites' topics. */
    public void attach(Host engine, PeerFinder dht, int peerPort) {
        this.host = engine;
        if (dht != null) {
            CommentTopics t = new CommentTopics(dht, peerPort, engine::held);
            t.start(Duration.ofSeconds(5));
            topics = t;
        }
    }

    public Comments comments() {
        return comments;
    }

    public CommentExchange exchange() {
        return exchange;
    }

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
        try (CommentExchange.Request request = exchange.request(page)) {
            if (exchange.peersOf(page.site()) == 0) {
                reach(page.site());
            }
            int answered = request.await(wait);
            return new Refresh(request.asked(), answered);
        }
    }

    private void reach(SiteAddress site) {
        Host h = host;
        if (h == null) {
            return;
        }
        try {
            h.connect(site, List.of());
        } catch (RuntimeException e) {
            log.debug("cannot reach the swarm of {}: {}", site.host(), e.toString());
        }
        CommentTopics t = topics;
        if (t != null) {
            try {
                t.lookup(site, LOOKUP, peer -> h.connect(site, List.of(peer)));
            } catch (RuntimeException e) {
                log.debug("cannot look up the comment holders of {}: {}", site.host(), e.toString());
            }
        }
    }

    /**
     * A site was published here under its key: the links its HTML pages make to other sites
     * become link records (each a second of work, in the background, in order) and go to those
     * sites' holders, reached through the DHT when none is connected.
     *
     * @return the records made, when done
     */
    public Future<List<CommentRecord>> published(Signer siteKey, SiteAddress site, Path data) {
        return background.submit(() -> {
            List<Backlinks.Link> links = Backlinks.of(site, data);
            List<CommentRecord> made = comments.links(siteKey, links, () -> closed);
            Set<SiteAddress> targets = new LinkedHashSet<>();
            made.forEach(record -> targets.add(record.site()));
            for (SiteAddress target : targets) {
                if (exchange.peersOf(target) == 0) {
                    reach(target); // on connecting, the exchange hands the new records over
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
        CommentTopics t = topics;
        if (t != null) {
            t.close();
        }
        exchange.close();
        comments.close();
    }
}
