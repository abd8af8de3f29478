package org.bitweb.comments;

import org.bitweb.log.Threads;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.AnnounceBudget;
import org.bitweb.dht.PeerFinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
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
    /** A topic is announced again after this plus up to two thirds of it at random ({@link AnnounceBudget#reannounceNanos}). */
    static final Duration REANNOUNCE = Duration.ofMinutes(15);
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** How often the due topics are looked for. */
    static final Duration ROUND = Duration.ofMinutes(1);
    /** While topics wait for the announce budget, it is asked again this often. */
    static final Duration BUDGET_POLL = Duration.ofMillis(500);

    private final PeerFinder dht;
    private final int peerPort;
    private final Supplier<Collection<SiteAddress>> held;
    private final AnnounceBudget budget;
    private final ScheduledExecutorService scheduler;
    private final Random random = new Random();
    /** When each held site's topic is due again (nanoTime); absent: due now. Only on the scheduler's thread. */
    private final Map<SiteAddress, Long> nextAnnounce = new HashMap<>();
    /** Topics due and waiting for the announce budget, oldest first. Only on the scheduler's thread. */
    private final Set<SiteAddress> waiting = new LinkedHashSet<>();
    private boolean drainScheduled;

    /**
     * @param held the sites whose topics this engine announces: it shares them and holds comments
     *             (or a moderation list) for them
     */
    public CommentTopics(PeerFinder dht, int peerPort, Supplier<Collection<SiteAddress>> held) {
        this.dht = dht;
        this.peerPort = peerPort;
        this.held = held;
        this.budget = dht.announceBudget();
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

    /** Announces the held sites from {@code delay} on, within the DHT node's announce budget, and again when due. */
    public void start(Duration delay) {
        scheduler.scheduleWithFixedDelay(this::round, delay.toMillis(), ROUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Announces a site that became held as soon as the budget allows rather than at the next round. */
    public void heldNow(SiteAddress site) {
        scheduler.execute(() -> {
            nextAnnounce.remove(site);
            waiting.add(site);
            drain();
        });
    }

    /**
     * Records (or a moderation list) came for a site: if it is held and its topic is not yet
     * announced, announces it as soon as the budget allows rather than at the next round. Cheap
     * for a topic already scheduled.
     */
    public void recordsCame(SiteAddress site) {
        runOnScheduler(() -> {
            if (!nextAnnounce.containsKey(site) && !waiting.contains(site) && held.get().contains(site)) {
                waiting.add(site);
                drain();
            }
        });
    }

    /**
     * Queues the topics that are due. Not announced here: 1,000 held sites were 1,000 announces
     * in one go, which held mldht's requests back for a minute and more (AnnounceBudget).
     */
    private void round() {
        try {
            long now = System.nanoTime();
            Collection<SiteAddress> sites = held.get();
            for (SiteAddress site : sites) {
                Long due = nextAnnounce.get(site);
                if (due == null || now - due >= 0) {
                    waiting.add(site);
                }
            }
            Set<SiteAddress> still = new HashSet<>(sites);
            nextAnnounce.keySet().retainAll(still);
            waiting.retainAll(still);
            drain();
        } catch (RuntimeException e) {
            log.warn("announcing comment topics failed", e);
        }
    }

    /** Starts the waiting announces the budget allows now; asks again shortly while some wait. */
    private void drain() {
        for (var it = waiting.iterator(); it.hasNext() && budget.tryStart(); ) {
            SiteAddress site = it.next();
            it.remove();
            announce(site);
        }
        if (!waiting.isEmpty() && !drainScheduled) {
            drainScheduled = true;
            scheduler.schedule(this::drainAgain, BUDGET_POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void drainAgain() {
        drainScheduled = false;
        drain();
    }

    private void announce(SiteAddress site) {
        // due again in 15-25 min; a failure clears it, so the next round tries again
        nextAnnounce.put(site, System.nanoTime() + AnnounceBudget.reannounceNanos(REANNOUNCE, random));
        try {
            dht.announce(topic(site), peerPort, TIMEOUT, peer -> { }).whenComplete((result, error) -> {
                budget.ended();
                if (error != null) {
                    log.debug("announcing the comments of {} failed: {}", site.host(), error.toString());
                    runOnScheduler(() -> nextAnnounce.remove(site)); // try again next round
                }
            });
        } catch (RuntimeException e) {
            budget.ended();
            log.debug("cannot announce the comments of {}: {}", site.host(), e.toString());
            nextAnnounce.remove(site);
        }
    }

    private void runOnScheduler(Runnable action) {
        try {
            scheduler.execute(action);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: nothing left to retry
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
