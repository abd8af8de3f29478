package org.bitweb.discovery;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Peers the user named for a site (a magnet link's {@code x.pe}, {@code bitweb get --peer}), fed
 * to bt on every peer-discovery round so a dropped connection to a known peer is retried.
 */
public final class PeerHints implements PeerSourceFactory {
    private final Map<TorrentId, Set<InetSocketAddress>> hints = new ConcurrentHashMap<>();

    public void add(TorrentId torrent, Collection<InetSocketAddress> peers) {
        if (!peers.isEmpty()) {
            hints.computeIfAbsent(torrent, t -> ConcurrentHashMap.newKeySet()).addAll(peers);
        }
    }

    public void forget(TorrentId torrent) {
        hints.remove(torrent);
    }

    @Override
    public PeerSource getPeerSource(TorrentId torrentId) {
        Set<InetSocketAddress> peers = hints.get(torrentId);
        return new PeerSource() {
            @Override
            public boolean update() {
                return peers != null && !peers.isEmpty();
            }

            @Override
            public Collection<bt.net.Peer> getPeers() {
                // bt removes entries while it reads them: it needs a mutable list
                Collection<bt.net.Peer> list = new ArrayList<>();
                if (peers != null) {
                    peers.forEach(a -> list.add(InetPeer.build(a.getAddress(), a.getPort())));
                }
                return list;
            }
        };
    }
}
