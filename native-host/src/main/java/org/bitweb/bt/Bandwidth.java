package org.bitweb.bt;

import bt.metainfo.TorrentId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's upload and download rate limits, for all sites together and per site, as token
 * buckets (docs/TUNING.md, "Rate limits").
 *
 * <p>Uploads are paced where a block leaves: a block a peer asked for is handed to bt's sender
 * only when both buckets have room for it ({@link #upload}); the requests wait here in one queue
 * per site, served in turn, without holding a thread. Downloads are paced where bytes enter: the
 * receive loop reads a connection only when its buckets have room ({@link #downloadWait}) and
 * counts what it read ({@link #downloaded}); a connection waiting for room is not read, so TCP
 * slows the sender down.
 *
 * <p>It also keeps each site's own byte counts, exact and read without allocating: the piece
 * data sent and received for the site ({@link #sent}, {@link #received}; see
 * {@link #siteUploaded}). A site is counted while a client runs for it, from {@link #count} until {@link #forget}: the
 * counts are per engine process and per run of the site's client, as bt's own session sums were.
 */
public final class Bandwidth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bandwidth.class);
    private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

    private record Buckets(TokenBucket up, TokenBucket down) {
    }

    private record Waiter(int bytes, CompletableFuture<Void> done) {
    }

    /**
     * A site's block data, sent and received, from {@link #count} on: also the handle that
     * {@link #forget} takes. Who runs the site's client may keep it and read it without a lookup.
     */
    public static final class SiteBytes {
        private final AtomicLong up = new AtomicLong();
        private final AtomicLong down = new AtomicLong();

        private SiteBytes() {
        }

        /** As {@link Bandwidth#siteUploaded}, for this run of the site's client. */
        public long uploaded() {
            return up.get();
        }

        /** As {@link Bandwidth#siteDownloaded}, for this run of the site's client. */
        public long downloaded() {
            return down.get();
        }
    }

    /** A piece message's length prefix, id, index and offset: sent before its block (BEP 3). */
    public static final int PIECE_HEADER = 13;

    private final Buckets all = new Buckets(new TokenBucket(0, System.nanoTime()), new TokenBucket(0, System.nanoTime()));
    private final Map<TorrentId, Buckets> sites = new ConcurrentHashMap<>();
    /** Blocks waiting to leave, per site, in the order sites take turns. */
    private final LinkedHashMap<TorrentId, ArrayDeque<Waiter>> waiting = new LinkedHashMap<>();
    private int queued;
    private ScheduledFuture<?> drain;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bitweb.bandwidth");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong downloaded = new AtomicLong();
    private final Map<TorrentId, Long> lastHeld = new ConcurrentHashMap<>();
    /** The sites counted now: only those a client runs for, so the map does not grow with sites gone. */
    private final Map<TorrentId, SiteBytes> siteBytes = new ConcurrentHashMap<>();
    private volatile long lastHeldAny = Long.MIN_VALUE / 2;

    /** Limits for all sites together, in bytes per second; 0 for none. Takes effect at once. */
    public void limit(long upload, long download) {
        long now = System.nanoTime();
        all.up().rate(upload, now);
        all.down().rate(download, now);
        kick();
    }

    /** Limits for one site, in bytes per second (0 for none), within those for all sites. */
    public void limitSite(TorrentId site, long upload, long download) {
        long now = System.nanoTime();
        if (upload == 0 && download == 0) {
            sites.remove(site);
        } else {
            sites.computeIfAbsent(site, s -> new Buckets(new TokenBucket(0, now), new TokenBucket(0, now)));
            sites.get(site).up().rate(upload, now);
            sites.get(site).down().rate(download, now);
        }
        kick();
    }

    /** {@link #limitSite(TorrentId, long, long)} by the site's infohash in hex. */
    public void limitSite(String infohash, long upload, long download) {
        limitSite(torrentId(infohash), upload, download);
    }

    /** Replaces every site's own limits: {upload, download} by infohash; sites not named get none. */
    public void limitSites(Map<String, long[]> limits) {
        Map<TorrentId, long[]> next = new java.util.HashMap<>();
        limits.forEach((site, rates) -> next.put(torrentId(site), rates));
        for (TorrentId site : List.copyOf(sites.keySet())) {
            if (!next.containsKey(site)) {
                limitSite(site, 0, 0);
            }
        }
        next.forEach((site, rates) -> limitSite(site, rates[0], rates[1]));
    }

    static TorrentId torrentId(String infohash) {
        if (!infohash.matches("[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("not an infohash: " + infohash);
        }
        byte[] bytes = new byte[20];
        for (int i = 0; i < 20; i++) {
            bytes[i] = (byte) Integer.parseInt(infohash.substring(2 * i, 2 * i + 2), 16);
        }
        return TorrentId.fromBytes(bytes);
    }

    public long uploadLimit() {
        return all.up().rate();
    }

    public long downloadLimit() {
        return all.down().rate();
    }

    /** Piece bytes (with their message headers) that left through {@link #upload} so far, all sites together. */
    public long uploaded() {
        return uploaded.get();
    }

    /** Bytes read from peer connections so far, all sites together and every message. */
    public long downloaded() {
        return downloaded.get();
    }

    /**
     * Starts counting a site's bytes from 0, as a client starts for it (a seeded site, a fetch).
     *
     * @return the counts' handle, for {@link #forget}: a client stopping late does not drop the
     *         counts of the one that took its place
     */
    public SiteBytes count(TorrentId site) {
        SiteBytes counts = new SiteBytes();
        siteBytes.put(site, counts);
        return counts;
    }

    /**
     * Stops counting a site and drops its counts, if {@code handle} (from {@link #count}) is still
     * its counts: its client stopped. Bytes that arrive for it afterwards (a block in flight) are
     * not counted; the next {@link #count} starts from 0, as bt's own counts did with a new session.
     */
    public void forget(TorrentId site, SiteBytes handle) {
        siteBytes.remove(site, handle);
    }

    /** How many sites are counted now. */
    public int countedSites() {
        return siteBytes.size();
    }

    /**
     * Block data of {@code site} handed to bt to send since it was {@link #count counted}: the
     * bytes of the piece messages' blocks, without their headers, counted as each block is let
     * out ({@link #sent}). Every block, also the last one before a peer leaves and those of a
     * visit that comes and goes within a second; 0 for a site not counted.
     */
    public long siteUploaded(TorrentId site) {
        SiteBytes bytes = siteBytes.get(site);
        return bytes == null ? 0 : bytes.up.get();
    }

    /**
     * Block data of {@code site} received since it was {@link #count counted}: the blocks bt
     * takes to write (asked for, of a piece not yet verified, as bt counted them), at the length
     * they came (a block shortened for padding counts what came, not the zeros filled in). Not
     * the handshakes, other messages or file lists (BEP 9) around them; 0 for a site not counted.
     */
    public long siteDownloaded(TorrentId site) {
        SiteBytes bytes = siteBytes.get(site);
        return bytes == null ? 0 : bytes.down.get();
    }

    /** A block of {@code bytes} of {@code site} is handed to bt to send (after {@link #upload} let it go). */
    public void sent(TorrentId site, int bytes) {
        SiteBytes counts = siteBytes.get(site);
        if (counts != null) {
            counts.up.addAndGet(bytes);
        }
    }

    /** A block of {@code bytes} of {@code site} came and is about to be written. */
    public void received(TorrentId site, int bytes) {
        SiteBytes counts = siteBytes.get(site);
        if (counts != null) {
            counts.down.addAndGet(bytes);
        }
    }

    /**
     * Completes when a block of {@code bytes} (its piece message's header included, as the
     * limits count what goes on the wire) of {@code site} may leave.
     */
    public CompletableFuture<Void> upload(TorrentId site, int bytes) {
        long now = System.nanoTime();
        Buckets own = sites.get(site);
        synchronized (this) {
            if (queued == 0 && all.up().nanosUntilFree(now) == 0 && (own == null || own.up().nanosUntilFree(now) == 0)) {
                spendUp(own, bytes, now);
                return NOW;
            }
            Waiter waiter = new Waiter(bytes, new CompletableFuture<>());
            waiting.computeIfAbsent(site, s -> new ArrayDeque<>()).add(waiter);
            queued++;
            if (drain == null) {
                drain = pacer.schedule(this::drain, 0, TimeUnit.NANOSECONDS);
            }
            return waiter.done();
        }
    }

    private void spendUp(Buckets own, int bytes, long now) {
        all.up().spend(bytes, now);
        if (own != null) {
            own.up().spend(bytes, now);
        }
        uploaded.addAndGet(bytes);
    }

    /** A limit changed: blocks waiting may go sooner. */
    private synchronized void kick() {
        if (queued > 0) {
            if (drain != null) {
                drain.cancel(false);
            }
            drain = pacer.schedule(this::drain, 0, TimeUnit.NANOSECONDS);
        }
    }

    /** Lets out what the buckets allow, sites taking turns, and comes back when more may go. */
    private void drain() {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        try {
            synchronized (this) {
                drain = null;
                long soonest = Long.MAX_VALUE;
                boolean progress = true;
                while (progress && queued > 0) {
                    progress = false;
                    soonest = Long.MAX_VALUE;
                    List<TorrentId> served = new ArrayList<>();
                    for (Iterator<Map.Entry<TorrentId, ArrayDeque<Waiter>>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
                        Map.Entry<TorrentId, ArrayDeque<Waiter>> entry = it.next();
                        if (entry.getValue().isEmpty()) {
                            it.remove();
                            continue;
                        }
                        long now = System.nanoTime();
                        Buckets own = sites.get(entry.getKey());
                        long wait = Math.max(all.up().nanosUntilFree(now), own == null ? 0 : own.up().nanosUntilFree(now));
                        if (wait > 0) {
                            soonest = Math.min(soonest, wait);
                            continue;
                        }
                        Waiter waiter = entry.getValue().poll();
                        queued--;
                        spendUp(own, waiter.bytes(), now);
                        ready.add(waiter.done());
                        served.add(entry.getKey());
                        progress = true;
                    }
                    for (TorrentId site : served) { // the next turn starts with the others
                        ArrayDeque<Waiter> queue = waiting.remove(site);
                        if (!queue.isEmpty()) {
                            waiting.put(site, queue);
                        }
                    }
                }
                if (queued > 0) {
                    drain = pacer.schedule(this::drain, soonest == Long.MAX_VALUE ? 1_000_000 : soonest, TimeUnit.NANOSECONDS);
                }
            }
        } catch (RuntimeException e) {
            log.error("upload pacing failed: {}", e.toString(), e);
        }
        ready.forEach(done -> done.complete(null));
    }

    /** Nanoseconds until a connection of {@code site} (null before its handshake) may be read; 0 if now. */
    long downloadWait(TorrentId site) {
        long now = System.nanoTime();
        long wait = all.down().nanosUntilFree(now);
        Buckets own = site == null ? null : sites.get(site);
        return own == null ? wait : Math.max(wait, own.down().nanosUntilFree(now));
    }

    /** Counts bytes read from a connection of {@code site} (null before its handshake). */
    void downloaded(TorrentId site, int bytes) {
        long now = System.nanoTime();
        all.down().spend(bytes, now);
        Buckets own = site == null ? null : sites.get(site);
        if (own != null) {
            own.down().spend(bytes, now);
        }
        downloaded.addAndGet(bytes);
    }

    /** The receive loop held a connection of {@code site} back for a limit. */
    void held(TorrentId site) {
        long now = System.nanoTime();
        lastHeldAny = now;
        if (site != null) {
            lastHeld.put(site, now);
        }
    }

    /**
     * Whether a limit held a connection of {@code site} back within the last {@code nanos}: then
     * its peers' blocks come slowly because of us, not them.
     */
    boolean heldWithin(TorrentId site, long nanos) {
        long now = System.nanoTime();
        if (all.down().rate() > 0 && now - lastHeldAny < nanos) {
            return true;
        }
        Long last = lastHeld.get(site);
        return last != null && now - last < nanos;
    }

    /** Whether any download limit is set (the receive loop skips its checks otherwise). */
    boolean limitsDownloads() {
        if (all.down().rate() > 0) {
            return true;
        }
        for (Buckets b : sites.values()) {
            if (b.down().rate() > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        pacer.shutdownNow();
    }
}
