package org.bitweb.bt;

import bt.event.EventSink;
import bt.event.EventSource;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.peer.IPeerRegistry;
import bt.peer.PeerRegistry;
import bt.peer.PeerSourceFactory;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.service.IdentityService;
import bt.torrent.TorrentRegistry;
import bt.tracker.ITrackerService;
import com.google.inject.AbstractModule;
import com.google.inject.Inject;
import com.google.inject.Provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * bt's peer registry with its discovery round (every second here) limited to the torrents that
 * need one. bt asks every peer source of every torrent each round; at 1,000 seeded sites that was
 * 1,000 torrents times our three sources every second, about a quarter of a percent of a core with
 * the DHT on, for sites held whole, which have nobody to dial: their visitors dial them. A round
 * now asks a torrent's sources only while it is not held whole, names trackers, or one of its
 * sources is due ({@code sourcesDue}: peers named for it, its DHT announce). The others are left
 * out of the round; {@link IPeerRegistry#triggerPeerCollection} still asks all of a torrent's
 * sources at once.
 *
 * <p>This is bt's own {@link PeerRegistry}, given a view of the torrent registry whose list of
 * torrents holds only those that need a round (the list is all the round reads it for).
 */
public final class PeerRounds extends AbstractModule {
    private final Predicate<TorrentId> sourcesDue;
    private volatile int lastRound = -1;

    /** @param sourcesDue asked on bt's peer-collecting thread, every round, for each torrent held whole */
    public PeerRounds(Predicate<TorrentId> sourcesDue) {
        this.sourcesDue = Objects.requireNonNull(sourcesDue, "sourcesDue");
    }

    /**
     * Whether bt holds every piece of a torrent (checked: until bt has checked its data, it does
     * not). Such a torrent needs no peers: the DHT does not look it up (it is only announced) and
     * the peer round leaves it out.
     */
    public static boolean heldWhole(TorrentRegistry torrents, TorrentId id) {
        return torrents.getDescriptor(id)
                .map(d -> d.getDataDescriptor() != null && d.getDataDescriptor().getBitfield().getPiecesRemaining() == 0)
                .orElse(false);
    }

    /** Torrents the last round asked, -1 before the first (tests, diagnostics). */
    public int lastRound() {
        return lastRound;
    }

    @Override
    protected void configure() {
        // eager, as bt binds its own: the registry schedules its rounds at the runtime's start
        bind(IPeerRegistry.class).toProvider(new Registry()).asEagerSingleton();
    }

    private final class Registry implements Provider<IPeerRegistry> {
        @Inject IRuntimeLifecycleBinder lifecycle;
        @Inject EventSource events;
        @Inject IdentityService identity;
        @Inject TorrentRegistry torrents;
        @Inject ITrackerService trackers;
        @Inject EventSink sink;
        @Inject Set<PeerSourceFactory> sources;
        @Inject Config config;

        @Override
        public IPeerRegistry get() {
            return new PeerRegistry(lifecycle, events, identity, new RoundView(torrents), trackers, sink, sources, config);
        }
    }

    /** The torrent registry as bt's round sees it: every torrent's lookups, but only some torrents listed. */
    private final class RoundView extends TorrentRegistryView {
        RoundView(TorrentRegistry all) {
            super(all);
        }

        @Override
        public Collection<TorrentId> getTorrentIds() {
            List<TorrentId> ids = new ArrayList<>();
            for (TorrentId id : all.getTorrentIds()) {
                if (!heldWhole(all, id) || sourcesDue.test(id) || namesTrackers(id)) {
                    ids.add(id);
                }
            }
            lastRound = ids.size();
            return ids;
        }

        /** BitWeb's torrents name none (docs/PRIVACY.md); one from elsewhere that does keeps bt's rounds. */
        private boolean namesTrackers(TorrentId id) {
            return all.getTorrent(id).flatMap(Torrent::getAnnounceKey).isPresent();
        }
    }
}
