package org.bitweb.site;

import bt.Bt;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.metainfo.TorrentId;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import org.bitweb.address.Hex;
import org.bitweb.bt.Bandwidth;
import org.bitweb.bt.ServableBlocks;
import org.bitweb.gateway.SiteView;
import org.bitweb.privacy.SharingPolicy;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The sites this machine published: read straight from disk by the gateway, and, while they are
 * seeded, shared with peers through one bt client each.
 */
public final class LocalSites implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalSites.class);

    private final StateDir dir;
    private final BtRuntime runtime;
    private final FastResume resume;
    private final SharingPolicy sharing;
    private final ServableBlocks servable;
    private final Map<String, LocalSiteView> views = new ConcurrentHashMap<>();
    private final Map<String, PublishedFiles> files = new ConcurrentHashMap<>();
    private final Map<String, BtClient> clients = new ConcurrentHashMap<>();
    /** Seeded sites bt is hashing in full (no record of their pieces yet). */
    private final Set<String> unrecorded = ConcurrentHashMap.newKeySet();
    private final TorrentRegistry torrents;
    private final Bandwidth bandwidth;
    /** What {@link #report} reads of each seeded site, resolved once. */
    private final Map<String, Seeded> seeded = new ConcurrentHashMap<>();
    /**
     * The seeded sites whose figures may change: {@link #report} looks at these only. A site is
     * here from its start until bt has checked it, it is recorded and no peer is connected, and
     * again from the moment a peer connects or leaves (bt's events) until it has settled. Looking
     * at every site every second cost about a quarter of a percent of a core at 1,000 idle sites
     * (docs/TUNING.md, "An idle engine").
     */
    private final Set<String> awake = ConcurrentHashMap.newKeySet();
    /** Told the infohash of a seeded site whose transfer figures changed. */
    private final Consumer<String> changed;

    public LocalSites(StateDir dir, BtRuntime runtime, FastResume resume, SharingPolicy sharing, ServableBlocks servable,
                      Consumer<String> changed) {
        this.dir = dir;
        this.servable = servable;
        this.runtime = runtime;
        this.resume = resume;
        this.sharing = sharing;
        this.changed = changed;
        this.torrents = runtime.service(TorrentRegistry.class);
        this.bandwidth = runtime.service(Bandwidth.class);
        // peers and bytes change only while a peer is connected: its coming and going wake the site
        runtime.getEventSource().onPeerConnected(null, e -> wake(e.getConnectionKey().getTorrentId()));
        runtime.getEventSource().onPeerDisconnected(null, e -> wake(e.getConnectionKey().getTorrentId()));
    }

    /**
     * Makes a published site readable, and seeds it if its record says so. Sites visited from the
     * swarm are not opened here: they may be partial, and are read through their fetch, which
     * checks pieces.
     */
    public synchronized void open(SiteRecord record) throws IOException {
        PublishedFiles current = files.get(record.infohash());
        if (current != null && current.checked() != record.inPlace()) {
            close(record.infohash()); // published again, from the store instead of in place or the other way
        }
        if (!record.published() || clients.containsKey(record.infohash())) {
            return;
        }
        String ih = record.infohash();
        Path siteDir = dir.site(ih);
        byte[] torrentBytes = Files.readAllBytes(siteDir.resolve(SiteFiles.TORRENT));
        TorrentInfo info = TorrentInfo.parseTorrent(torrentBytes);
        if (!info.infohash().equals(ih)) {
            throw new IOException("site folder " + siteDir + " holds a torrent for " + info.infohash());
        }
        Path data = siteDir.resolve(SiteFiles.DATA);
        // one reader for the gateway and bt: a folder seeded in place is checked the same way for both
        PublishedFiles files = record.inPlace() ? PublishedFiles.inPlace(info, siteDir) : PublishedFiles.copy(info, data);
        PublishedFiles before = this.files.put(ih, files);
        if (before != null) {
            before.close();
        }
        views.put(ih, new LocalSiteView(files));
        if (files.checked()) {
            servable.register(ih, files::servable); // a piece of an edited file is not sent
        }
        if (record.seeding()) {
            seed(record, info, torrentBytes, data, files);
        }
    }

    private void seed(SiteRecord record, TorrentInfo info, byte[] torrentBytes, Path data, PublishedFiles files) {
        String ih = record.infohash();
        Torrent torrent = runtime.service(IMetadataService.class).fromByteArray(torrentBytes);
        sharing.share(torrent.getTorrentId());
        boolean resumed;
        if (files.checked()) {
            // seeded in place: every read checks its file against what was hashed, so nothing is hashed now
            resume.offerPieces(ih, FastResume.all(info.pieceCount()));
            resumed = true;
        } else {
            resumed = resume.offer(ih, dir.site(ih), info);
        }
        BtClient client = Bt.client(runtime)
                .storage(new SafeStorage(data, ih).readingThrough(files))
                .torrent(() -> torrent)
                .build();
        clients.put(ih, client);
        // counted before any peer can ask for a block
        seeded.put(ih, new Seeded(torrent.getTorrentId(), bandwidth.count(torrent.getTorrentId())));
        wake(ih);
        if (!resumed) {
            unrecorded.add(ih); // bt hashes it in full once; then the record lets the next start trust it
        }
        client.startAsync().whenComplete((result, error) -> {
            if (error != null) {
                log.warn("seeding {} stopped: {}", ih, error.toString());
            }
        });
        log.info("seeding {} ({}, {} bytes)", ih, record.name(), record.size());
    }

    /**
     * Looks at every seeded site that may have changed ({@link #awake}): tells who listens which
     * sites' figures changed, and records the pieces of a site bt finished hashing. One pass every
     * second or so, instead of a thread per site (bt's client listener).
     */
    public void report() {
        long now = System.nanoTime();
        for (String ih : awake) {
            Seeded site = seeded.get(ih);
            if (site == null) {
                awake.remove(ih); // no longer seeded
                continue;
            }
            long woken = site.wokenAt; // read before the figures: a wake after this keeps the site awake
            SiteStats stats = site.stats(torrents);
            if (unrecorded.contains(ih) && stats.piecesTotal() > 0 && stats.piecesComplete() == stats.piecesTotal()) {
                unrecorded.remove(ih);
                recordAllVerified(ih);
            }
            if (!stats.equals(site.reported)) {
                site.reported = stats;
                changed.accept(ih);
            }
            boolean settled = stats.piecesTotal() > 0 && stats.peers() == 0 && !unrecorded.contains(ih);
            // bt tells its own listeners of a peer in the same call as ours, some of them after us:
            // a site stays awake a moment after its last event, so their changes are seen too
            if (settled && now - woken > SETTLE_NANOS) {
                awake.remove(ih);
                if (site.wokenAt != woken) {
                    awake.add(ih);
                }
            }
        }
    }

    /** How long after its last event a site the report sees settled is still looked at. */
    private static final long SETTLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private void wake(TorrentId torrent) {
        wake(Hex.encode(torrent.getBytes()));
    }

    /** Marks a seeded site as worth the report's look; a site not seeded here (a visit) is no business of ours. */
    private void wake(String ih) {
        Seeded site = seeded.get(ih);
        if (site != null) {
            site.wokenAt = System.nanoTime();
            awake.add(ih);
        }
    }

    /** Seeded sites the report looks at now (tests): 0 once every site is checked, recorded and without peers. */
    public int awake() {
        return awake.size();
    }

    /**
     * What the report reads of a seeded site, looked up once: its id parsed from hex, its
     * descriptor found in bt's registry and its byte counts found in {@link Bandwidth}, for every
     * site every second, cost about 0.15 % of a core at 1,000 sites (docs/TUNING.md).
     */
    private static final class Seeded {
        final TorrentId id;
        final Bandwidth.SiteBytes bytes;
        /** Once bt has registered the torrent (its client starts asynchronously). */
        volatile TorrentDescriptor descriptor;
        /** The figures last passed on: only changes are. Only on the report's thread. */
        SiteStats reported;
        /** nanoTime of the last event that may have changed the figures (a peer came or went). */
        volatile long wokenAt;

        Seeded(TorrentId id, Bandwidth.SiteBytes bytes) {
            this.id = id;
            this.bytes = bytes;
        }

        SiteStats stats(TorrentRegistry torrents) {
            TorrentDescriptor d = descriptor;
            if (d == null) {
                d = torrents.getDescriptor(id).orElse(null);
                if (d == null) {
                    return SiteStats.NONE;
                }
                descriptor = d;
            }
            return SiteStats.of(d, bytes.uploaded(), bytes.downloaded());
        }
    }

    /** Records every piece of a site as verified: it was hashed as it was published, or in full once. */
    public void recordAllVerified(String ih) {
        try {
            Path siteDir = dir.site(ih);
            TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(siteDir.resolve(SiteFiles.TORRENT)));
            FastResume.save(siteDir, info, FastResume.all(info.pieceCount()));
        } catch (IOException | RuntimeException e) {
            log.warn("cannot record the pieces of {}: {}", ih, e.toString());
        }
    }

    /** Stops sharing a site; it stays readable. */
    public void stopSeeding(String ih) {
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
        Seeded gone = seeded.remove(ih);
        awake.remove(ih);
        if (gone != null) {
            bandwidth.forget(gone.id, gone.bytes);
        }
        unrecorded.remove(ih);
    }

    /** Stops sharing a site and forgets it: its files are about to go. */
    public void close(String ih) {
        stopSeeding(ih);
        views.remove(ih);
        PublishedFiles gone = files.remove(ih);
        servable.unregister(ih);
        if (gone != null) {
            gone.close();
        }
    }

    public Optional<SiteView> view(String ih) {
        return Optional.ofNullable(views.get(ih));
    }

    public boolean has(String ih) {
        return views.containsKey(ih);
    }

    /** Transfer figures of a seeded site now ({@link SiteStats#NONE} if it is not seeded). */
    public SiteStats stats(String ih) {
        Seeded site = seeded.get(ih); // there from the client's start until it stops
        return site == null ? SiteStats.NONE : site.stats(torrents);
    }

    /** Addresses of the peers connected for a seeded site now. */
    public Set<InetAddress> peerAddresses(String ih) {
        Set<InetAddress> addresses = new HashSet<>();
        torrents.getDescriptor(torrentId(ih)).flatMap(d -> d.getSessionState()).ifPresent(state ->
                state.getConnectedPeers().forEach(key -> addresses.add(key.getPeer().getInetAddress())));
        return addresses;
    }

    private static TorrentId torrentId(String ih) {
        return TorrentId.fromBytes(Hex.decode(ih));
    }

    @Override
    public void close() {
        clients.keySet().forEach(this::stopSeeding);
        files.values().forEach(PublishedFiles::close);
    }
}
