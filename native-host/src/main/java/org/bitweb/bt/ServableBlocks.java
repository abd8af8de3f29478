package org.bitweb.bt;

import bt.metainfo.TorrentId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Which pieces of a site may be sent to peers now, asked before a block is read for a peer and
 * again as it leaves. A site seeded in place refuses the pieces of a file its owner edited
 * (site/PublishedFiles): refused here, a request goes unanswered, as bt does for pieces it lacks.
 * A read that failed later, while bt writes the piece message, would leave half a message in the
 * connection's stream. Sites not registered send every piece they have.
 */
public final class ServableBlocks {
    private final Map<TorrentId, IntPredicate> sites = new ConcurrentHashMap<>();

    public void register(String infohash, IntPredicate servablePiece) {
        sites.put(Bandwidth.torrentId(infohash), servablePiece);
    }

    public void unregister(String infohash) {
        sites.remove(Bandwidth.torrentId(infohash));
    }

    public boolean servable(TorrentId torrent, int piece) {
        IntPredicate check = sites.get(torrent);
        return check == null || check.test(piece);
    }
}
