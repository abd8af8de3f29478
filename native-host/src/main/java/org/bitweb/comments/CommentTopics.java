package org.bitweb.comments;

import org.bitweb.log.Threads;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.PeerFinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The DHT half of finding a site's comments when no peer of it is connected: each site has a
 * topic, {@code SHA-1("bitweb-backlinks" || site id || salt)} (the key of an updatable site, so
 * the topic outlives its versions), that the engines holding the site's comments announce
 * themselves under ({@code announce_peer}, as for a torrent) and that a reader, or a publisher
 * with links to deliver, looks up ({@code get_peers}). Only holders announce: a lookup reveals
 * to the DHT nodes on its path what a lookup of the site itself does, and an announce what
 * seeding the site already announces.
 */
public final class CommentTopics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommentTopics.class);
    private static final byte[] PREFIX = "bitweb-backlinks".getBytes(StandardCharsets.US_ASCII);
    /** DHT nodes forget an announce after 30-60 minutes. */
    static final Duration REANNOUNCE = Duration.ofMinutes(15);
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final PeerFinder dht;
    private final int peerPort;
    private final Supplier<Collection<SiteAddress>> held;
    private final ScheduledExecutorService scheduler;
    /** When each held site's topic was last announced (nanoTime). */
    private final Map<SiteAddress, Long> announced = new ConcurrentHashMap<>();

    /**
     * @param held the sites whose comments this engine holds and serves (the sites it shares)
     */
    public CommentTopics(PeerFinder dht, int peerPort, Supplier<Collection<SiteAddress>> held) {
        this.dht = dht;
        this.peerPort = peerPort;
        this.held = held;
        this.scheduler = Threads.scheduler("comment-topics", 1);
    }

    public static byte[] topic(SiteAddress site) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(PREFIX);
            sha1.update(site.bytes());
            sha1.update(site.salt());
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Announces the held sites now (after {@code delay}) and then every minute those that are due. */
    public void start(Duration delay) {
        scheduler.scheduleWithFixedDelay(this::round, delay.toMillis(), 60_000, TimeUnit.MILLISECONDS);
    }

    /** Announces a site that became held at once rather than at the next round. */
    public void heldNow(SiteAddress site) {
        scheduler.execute(() -> announce(site));
    }

    private void round() {
        try {
            long now = System.nanoTime();
            for (SiteAddress site : held.get()) {
                Long last = announced.get(site);
                if (last == null || now - last > REANNOUNCE.toNanos()) {
                    announce(site);
                }
            }
            announced.keySet().retainAll(held.get());
        } catch (RuntimeException e) {
            log.warn("announcing comment topics failed", e);
        }
    }

    private void announce(SiteAddress site) {
        announced.put(site, System.nanoTime());
        try {
            dht.announce(topic(site), peerPort, TIMEOUT, peer -> { }).whenComplete((result, error) -> {
                if (error != null) {
                    log.debug("announcing the comments of {} failed: {}", site.host(), error.toString());
                    announced.remove(site); // try again next round
                }
            });
        } catch (RuntimeException e) {
            log.debug("cannot announce the comments of {}: {}", site.host(), e.toString());
            announced.remove(site);
        }
    }

    /** Looks up the engines holding a site's comments; each is told to {@code onPeer} as it is found. */
    public CompletableFuture<List<InetSocketAddress>> lookup(SiteAddress site, Duration timeout, Consumer<InetSocketAddress> onPeer) {
        return dht.getPeers(topic(site), timeout, onPeer);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
