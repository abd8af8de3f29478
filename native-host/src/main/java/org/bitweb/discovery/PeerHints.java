package org.bitweb.discovery;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Peers the user named for a site (a magnet link's {@code x.pe}, {@code bitweb get --peer}), fed
 * to bt on every peer-discovery round so a dropped connection to a known peer is retried.
 *
 * <p>What comes in is already filtered ({@link PeerHintPolicy}); here a site keeps at most
 * {@link PeerHintPolicy#MAX} hints, the newest, so a page asking again and again with other
 * addresses cannot make the engine dial more of them at once.
 */
public final class PeerHints implements PeerSourceFactory {
    private final Map<TorrentId, List<InetSocketAddress>> hints = new ConcurrentHashMap<>();

    public void add(TorrentId torrent, Collection<InetSocketAddress> peers) {
        if (peers.isEmpty()) {
            return;
        }
        hints.compute(torrent, (t, known) -> {
            Set<InetSocketAddress> next = known == null ? new LinkedHashSet<>() : new LinkedHashSet<>(known);
            for (InetSocketAddress peer : peers) {
                next.remove(peer); // named again: newest again
                next.add(peer);
            }
            Iterator<InetSocketAddress> oldest = next.iterator();
            while (next.size() > PeerHintPolicy.MAX) {
                oldest.next();
                oldest.remove();
            }
            // in order, oldest first; bt's discovery rounds read one whole list, never one being changed
            return List.copyOf(next);
        });
    }

    /** The hints held for a site now. */
    public List<InetSocketAddress> of(TorrentId torrent) {
        return hints.getOrDefault(torrent, List.of());
    }

    public void forget(TorrentId torrent) {
        hints.remove(torrent);
    }

    @Override
    public PeerSource getPeerSource(TorrentId torrentId) {
        return new PeerSource() {
            @Override
            public boolean update() {
                return !of(torrentId).isEmpty();
            }

            @Override
            public Collection<bt.net.Peer> getPeers() {
                // bt removes entries while it reads them: it needs a mutable list
                Collection<bt.net.Peer> list = new ArrayList<>();
                of(torrentId).forEach(a -> list.add(InetPeer.build(a.getAddress(), a.getPort())));
                return list;
            }
        };
    }
}
