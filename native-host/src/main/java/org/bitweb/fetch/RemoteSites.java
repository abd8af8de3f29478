package org.bitweb.fetch;

import bt.metainfo.TorrentId;
import bt.runtime.BtRuntime;
import org.bitweb.discovery.PeerHints;
import org.bitweb.gateway.SiteSource.Demand;
import org.bitweb.gateway.SiteSource.Lookup;
import org.bitweb.site.FastResume;
import org.bitweb.site.Publisher;
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
import java.util.Comparator;
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
     * @param refusal       why a site whose file list arrived cannot be kept here (too big), if so
     */
    public record Hooks(Function<String, List<String>> olderVersions, Consumer<TorrentInfo> visited,
                        Consumer<TorrentId> collectPeers, Consumer<TorrentId> forgotten,
                        Function<TorrentInfo, Optional<String>> refusal) {
    }

    /**
     * What a page can make the engine do (issue 12): a page that embeds images from 300 made-up
     * sites must not start 300 lookups, each with its threads and folder, that stay forever.
     *
     * @param lookups      most lookups at once that have no file list yet
     * @param embedLookups most of those that only embedded resources asked for; a navigation may
     *                     take the place of one of them, an embed never takes a navigation's
     * @param unasked      a lookup nobody asked for this long is dropped (an open loading page
     *                     asks every second)
     * @param idle         a fetched site nobody read this long is stopped; its files stay, and
     *                     the next request starts it again from them
     */
    public record Limits(int lookups, int embedLookups, Duration unasked, Duration idle) {
        public static final Limits DEFAULTS = new Limits(32, 8, Duration.ofSeconds(15), Duration.ofMinutes(10));

        public Limits {
            if (lookups < 1 || embedLookups < 1 || embedLookups > lookups) {
                throw new IllegalArgumentException("need 1 <= embedLookups <= lookups, not " + embedLookups + ", " + lookups);
            }
        }
    }

    /**
     * When a site was last asked for, the order of that ask among all (many asks share a
     * millisecond), and whether a navigation ever asked.
     */
    private record Asked(long at, long order, boolean visited) {
        static final Asked NEVER = new Asked(0, 0, false);

        Asked again(Asked now) {
            return new Asked(now.at, now.order, visited || now.visited);
        }
    }

    private final java.util.concurrent.atomic.AtomicLong asks = new java.util.concurrent.atomic.AtomicLong();

    private final StateDir dir;
    private final BtRuntime runtime;
    private final FastResume resume;
    private final PeerHints hints;
    private final AssignmentNudge nudge;
    private final Duration metadataTimeout;
    private final Duration stallTimeout;
    private final Hooks hooks;
    private final Limits limits;
    private final Map<String, RemoteSite> sites = new ConcurrentHashMap<>();
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Asked> asked = new ConcurrentHashMap<>();

    public RemoteSites(StateDir dir, BtRuntime runtime, FastResume resume, PeerHints hints, AssignmentNudge nudge,
                       Duration metadataTimeout, Duration stallTimeout, Hooks hooks, Limits limits) {
        this.limits = limits;
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
        return open(ih, peers, Demand.VISIT);
    }

    /**
     * Like {@link #open(String, List)}, for a request of a known kind.
     *
     * @throws Busy when as many lookups run as the limits allow and none may give way
     */
    public RemoteSite open(String ih, List<InetSocketAddress> peers, Demand demand) throws IOException {
        long now = System.currentTimeMillis();
        asked.merge(ih, new Asked(now, asks.incrementAndGet(), demand == Demand.VISIT), Asked::again);
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
            if (!Files.exists(dir.site(ih).resolve(SiteFiles.TORRENT))) {
                makeRoom(ih, demand); // a lookup, not a site whose file list is here already
            }
            RemoteSite site = new RemoteSite(ih, dir.site(ih), runtime, resume, false, stallTimeout);
            hints.add(site.torrentId(), peers);
            started.put(ih, System.currentTimeMillis());
            site.reuseFrom(info -> olderVersionsOnDisk(ih));
            nudge.register(site.torrentId(), site.picker());
            try {
                site.start(peers, hooks.refusal(), hooks.visited());
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
    public Lookup lookup(String ih, List<InetSocketAddress> peers, Duration wait, Demand demand) {
        return lookup(ih, peers, wait, demand, null);
    }

    /**
     * {@link #lookup(String, List, Duration, Demand)} for the file at {@code path} (null: none),
     * whose pieces are wanted the moment the file list verifies.
     */
    public Lookup lookup(String ih, List<InetSocketAddress> peers, Duration wait, Demand demand, String path) {
        RemoteSite site;
        try {
            site = open(ih, peers, demand);
            if (path != null) {
                site.wantOnArrival(path);
            }
        } catch (Busy e) {
            return new Lookup.Unknown(e.getMessage());
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
                return new Lookup.Unknown(site.refused() ? site.failure()
                        : "This site could not be fetched: " + site.failure() + ". Reload to try again.");
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

    /** The peers named for a site being fetched that bt is given at each discovery round (none for others). */
    public List<InetSocketAddress> hints(String ih) {
        return get(ih).map(site -> hints.of(site.torrentId())).orElse(List.of());
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
        asked.remove(ih);
        hints.forget(site.torrentId());
        nudge.unregister(site.torrentId());
        hooks.forgotten().accept(site.torrentId());
        site.stop();
        if (site.info().isEmpty()) {
            deleteLeftovers(ih);
        }
    }

    /** A lookup that never got a file list leaves nothing on disk (an older engine made the folder at once). */
    private void deleteLeftovers(String ih) {
        Path folder = dir.site(ih);
        if (Files.exists(folder) && !Files.exists(folder.resolve(SiteFiles.TORRENT))) {
            try {
                Publisher.deleteTree(folder);
            } catch (IOException e) {
                log.debug("cannot delete the folder of a lookup that found nothing: {}", e.toString());
            }
        }
    }

    /** Too many lookups run and none may give way: the request is refused, with what to do. */
    public static final class Busy extends IOException {
        Busy(int running) {
            super("BitWeb is already looking for " + running + " sites that pages on this computer asked for. "
                    + "Close pages you do not need, or reload in a few seconds.");
        }
    }

    /** Lookups that have no file list yet, least recently asked first. */
    private List<String> lookups(boolean embedOnly) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, RemoteSite> entry : sites.entrySet()) {
            Asked when = asked.get(entry.getKey());
            if (entry.getValue().info().isEmpty() && !(embedOnly && when != null && when.visited())) {
                found.add(entry.getKey());
            }
        }
        found.sort(Comparator.comparingLong(ih -> asked.getOrDefault(ih, Asked.NEVER).order()));
        return found;
    }

    /** Drops the least recently asked lookup the new one may replace, if the limits say one must go. */
    private void makeRoom(String ih, Demand demand) throws Busy {
        List<String> all = lookups(false);
        List<String> embedOnly = lookups(true);
        String drop = null;
        if (demand == Demand.EMBED && embedOnly.size() >= limits.embedLookups()) {
            drop = embedOnly.get(0);
        } else if (all.size() >= limits.lookups()) {
            if (!embedOnly.isEmpty()) {
                drop = embedOnly.get(0);
            } else if (demand == Demand.VISIT) {
                drop = all.get(0);
            } else {
                asked.remove(ih);
                throw new Busy(all.size());
            }
        }
        if (drop != null) {
            log.debug("dropping the lookup of {} for a newer one", drop);
            stop(drop);
        }
    }

    /**
     * Drops lookups nobody asks for any more or that found no file list in time, and stops
     * fetched sites nobody read for a while (not those kept whole). Run every few seconds.
     *
     * @return how many were dropped or stopped
     */
    public int sweep(long now) {
        int swept = 0;
        for (Map.Entry<String, RemoteSite> entry : sites.entrySet()) {
            String ih = entry.getKey();
            RemoteSite site = entry.getValue();
            long lastAsked = asked.getOrDefault(ih, Asked.NEVER).at();
            boolean stale;
            if (site.awaited()) {
                stale = false;
            } else if (site.info().isEmpty()) {
                stale = now - lastAsked > limits.unasked().toMillis()
                        || now - started.getOrDefault(ih, now) > metadataTimeout.toMillis();
            } else {
                stale = !site.keepsWholeSite() && now - Math.max(lastAsked, site.lastUsed()) > limits.idle().toMillis();
            }
            if (stale) {
                forget(ih, site);
                swept++;
            }
        }
        return swept;
    }

    /** How many sites are fetched or looked up now. */
    public int count() {
        return sites.size();
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
