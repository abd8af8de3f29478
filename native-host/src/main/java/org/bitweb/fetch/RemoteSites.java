package org.bitweb.fetch;

import bt.metainfo.TorrentId;
import bt.runtime.BtRuntime;
import org.bitweb.discovery.PeerHints;
import org.bitweb.gateway.SiteSource.Lookup;
import org.bitweb.site.FastResume;
import org.bitweb.site.SiteFiles;
import org.bitweb.site.SiteStats;
import org.bitweb.site.VersionReuse;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The sites being fetched from the swarm: one {@link RemoteSite} per infohash, started by the
 * first request for it and forgotten when it fails, times out or is removed.
 */
public final class RemoteSites implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteSites.class);

    /**
     * How the fetches reach the rest of the engine.
     *
     * @param olderVersions infohashes of older versions of the same key site, newest first: files
     *                      that did not change are taken from them instead of the swarm
     * @param visited       told once a site's file list is known and stored
     * @param collectPeers  asks a site's peer sources now, not at bt's next round
     * @param forgotten     told when a fetch is dropped: its peer sources can let go of it
     */
    public record Hooks(Function<String, List<String>> olderVersions, Consumer<TorrentInfo> visited,
                        Consumer<TorrentId> collectPeers, Consumer<TorrentId> forgotten) {
    }

    private final StateDir dir;
    private final BtRuntime runtime;
    private final FastResume resume;
    private final PeerHints hints;
    private final AssignmentNudge nudge;
    private final Duration metadataTimeout;
    private final Duration stallTimeout;
    private final Hooks hooks;
    private final Map<String, RemoteSite> sites = new ConcurrentHashMap<>();
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    public RemoteSites(StateDir dir, BtRuntime runtime, FastResume resume, PeerHints hints, AssignmentNudge nudge,
                       Duration metadataTimeout, Duration stallTimeout, Hooks hooks) {
        this.dir = dir;
        this.runtime = runtime;
        this.resume = resume;
        this.hints = hints;
        this.nudge = nudge;
        this.metadataTimeout = metadataTimeout;
        this.stallTimeout = stallTimeout;
        this.hooks = hooks;
    }

    /** The fetch of a site, started if none runs; {@code peers} are asked first (a link's hints). */
    public RemoteSite open(String ih, List<InetSocketAddress> peers) throws IOException {
        RemoteSite existing = sites.get(ih);
        if (existing != null) {
            hints.add(existing.torrentId(), peers);
            if (!peers.isEmpty()) {
                // the peers of the version on screen, for its update: asked now, not at bt's next round
                hooks.collectPeers().accept(existing.torrentId());
            }
            return existing;
        }
        synchronized (sites) {
            existing = sites.get(ih);
            if (existing != null) {
                return existing;
            }
            RemoteSite site = new RemoteSite(ih, dir.site(ih), runtime, resume, false, stallTimeout);
            hints.add(site.torrentId(), peers);
            started.put(ih, System.currentTimeMillis());
            site.reuseFrom(info -> olderVersionsOnDisk(ih));
            nudge.register(site.torrentId(), site.picker());
            try {
                site.start(peers, hooks.visited());
            } catch (IOException | RuntimeException e) {
                // a site that did not start leaves nothing registered: the next request starts over
                hints.forget(site.torrentId());
                nudge.unregister(site.torrentId());
                started.remove(ih);
                throw e;
            }
            sites.put(ih, site);
            log.debug("fetching site {} ({} peer hints)", ih, peers.size()); // which sites are visited is private: debug only
            return site;
        }
    }

    /**
     * Starts or follows the fetch of a site and waits up to {@code wait} for its file list.
     * A fetch that failed, or found no file list within the metadata timeout, is dropped, so a
     * reload starts over.
     */
    public Lookup lookup(String ih, List<InetSocketAddress> peers, Duration wait) {
        RemoteSite site;
        try {
            site = open(ih, peers);
        } catch (IOException | RuntimeException e) {
            // which sites a person visits stays out of the log above debug level
            log.warn("cannot start fetching a site: {}", e.toString());
            log.debug("... the site was {}", ih);
            return new Lookup.Unknown("BitWeb could not start fetching this site: " + e.getMessage());
        }
        try {
            site.awaitMetadata(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        switch (site.stage()) {
            case READY:
                return new Lookup.Ready(site);
            case FAILED:
                forget(ih, site);
                return new Lookup.Unknown("This site could not be fetched: " + site.failure() + ". Reload to try again.");
            default:
                long since = started.getOrDefault(ih, System.currentTimeMillis());
                if (System.currentTimeMillis() - since > metadataTimeout.toMillis()) {
                    forget(ih, site);
                    return new Lookup.Unknown("No peer sent this site's file list within "
                            + metadataTimeout.toSeconds() + " s: nobody reachable may be sharing it right now. "
                            + "Check the address, or reload later to try again.");
                }
                SiteStats now = site.stats();
                String stage = site.stage() == RemoteSite.Stage.FINDING_PEERS ? "looking for peers" : "fetching the file list";
                return new Lookup.Loading(stage, now.peers(), now.downloaded());
        }
    }

    public Optional<RemoteSite> get(String ih) {
        return Optional.ofNullable(sites.get(ih));
    }

    /** The fetch of a site whose file list is here, so it can be read. */
    public Optional<RemoteSite> ready(String ih) {
        return get(ih).filter(site -> site.stage() == RemoteSite.Stage.READY);
    }

    /** Peers connected for a site being fetched: hints for its next version, which they likely have too. */
    public List<InetSocketAddress> connectedPeers(String ih) {
        return get(ih).map(RemoteSite::connectedPeers).orElse(List.of());
    }

    /** Whether a reader used the site within {@code window}: it is on screen, so it stays. */
    public boolean inUse(String ih, Duration window) {
        RemoteSite site = sites.get(ih);
        return site != null && System.currentTimeMillis() - site.lastUsed() < window.toMillis();
    }

    /** Stops fetching a site and lets go of everything registered for it. */
    public void stop(String ih) {
        RemoteSite site = sites.get(ih);
        if (site != null) {
            forget(ih, site);
        }
    }

    private void forget(String ih, RemoteSite site) {
        if (!sites.remove(ih, site)) {
            return; // another caller got there first
        }
        started.remove(ih);
        hints.forget(site.torrentId());
        nudge.unregister(site.torrentId());
        hooks.forgotten().accept(site.torrentId());
        site.stop();
    }

    /** Older versions of the key site whose version {@code ih} is, that this machine has on disk, newest first. */
    private List<VersionReuse.Donor> olderVersionsOnDisk(String ih) {
        List<VersionReuse.Donor> donors = new ArrayList<>();
        for (String older : hooks.olderVersions().apply(ih)) {
            Path torrent = dir.site(older).resolve(SiteFiles.TORRENT);
            try {
                if (Files.exists(torrent)) {
                    donors.add(new VersionReuse.Donor(TorrentInfo.parseTorrent(Files.readAllBytes(torrent)),
                            dir.site(older).resolve(SiteFiles.DATA)));
                }
            } catch (IOException | RuntimeException e) {
                log.debug("older version {} unreadable: {}", older, e.toString());
            }
        }
        return donors;
    }

    @Override
    public void close() {
        sites.values().forEach(RemoteSite::stop);
    }
}
