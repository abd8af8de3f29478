package org.bitweb.site;

import bt.Bt;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.torrent.TorrentSessionState;
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
    private final Map<String, LocalSiteView> views = new ConcurrentHashMap<>();
    private final Map<String, BtClient> clients = new ConcurrentHashMap<>();
    private final Map<String, SiteStats> stats = new ConcurrentHashMap<>();
    private final Map<String, Set<InetAddress>> peerAddresses = new ConcurrentHashMap<>();
    /** Told the infohash of a seeded site whose transfer figures changed. */
    private final Consumer<String> changed;

    public LocalSites(StateDir dir, BtRuntime runtime, FastResume resume, SharingPolicy sharing, Consumer<String> changed) {
        this.dir = dir;
        this.runtime = runtime;
        this.resume = resume;
        this.sharing = sharing;
        this.changed = changed;
    }

    /**
     * Makes a published site readable, and seeds it if its record says so. Sites visited from the
     * swarm are not opened here: they may be partial, and are read through their fetch, which
     * checks pieces.
     */
    public synchronized void open(SiteRecord record) throws IOException {
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
        views.put(ih, new LocalSiteView(info, data));
        if (record.seeding()) {
            seed(record, info, torrentBytes, data);
        }
    }

    private void seed(SiteRecord record, TorrentInfo info, byte[] torrentBytes, Path data) {
        String ih = record.infohash();
        Torrent torrent = runtime.service(IMetadataService.class).fromByteArray(torrentBytes);
        sharing.share(torrent.getTorrentId());
        boolean resumed = resume.offer(ih, dir.site(ih), info);
        BtClient client = Bt.client(runtime)
                .storage(new SafeStorage(data, ih).withInfo(info))
                .torrent(() -> torrent)
                .build();
        clients.put(ih, client);
        boolean[] recorded = {resumed};
        client.startAsync(state -> {
            if (!recorded[0] && state.getPiecesTotal() > 0 && state.getPiecesRemaining() == 0) {
                recorded[0] = true; // hashed in full once: the next start trusts the record
                recordAllVerified(ih);
            }
            report(ih, state);
        }, 1000);
        log.info("seeding {} ({}, {} bytes)", ih, record.name(), record.size());
    }

    private void report(String ih, TorrentSessionState state) {
        Set<InetAddress> addresses = new HashSet<>();
        state.getConnectedPeers().forEach(key -> addresses.add(key.getPeer().getInetAddress()));
        peerAddresses.put(ih, addresses);
        SiteStats now = new SiteStats(state.getConnectedPeers().size(), state.getUploaded(),
                state.getDownloaded(), state.getPiecesComplete(), state.getPiecesTotal());
        if (!now.equals(stats.put(ih, now))) {
            changed.accept(ih);
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
        stats.remove(ih);
        peerAddresses.remove(ih);
    }

    /** Stops sharing a site and forgets it: its files are about to go. */
    public void close(String ih) {
        stopSeeding(ih);
        views.remove(ih);
    }

    public Optional<SiteView> view(String ih) {
        return Optional.ofNullable(views.get(ih));
    }

    public boolean has(String ih) {
        return views.containsKey(ih);
    }

    /** Transfer figures of a seeded site, as of its last report (about every second). */
    public SiteStats stats(String ih) {
        return stats.getOrDefault(ih, SiteStats.NONE);
    }

    /** Addresses of the peers connected for a seeded site, as of its last report. */
    public Set<InetAddress> peerAddresses(String ih) {
        return peerAddresses.getOrDefault(ih, Set.of());
    }

    @Override
    public void close() {
        clients.keySet().forEach(this::stopSeeding);
    }
}
