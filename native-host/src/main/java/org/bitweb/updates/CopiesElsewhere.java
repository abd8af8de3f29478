package org.bitweb.updates;

import bt.data.Bitfield;
import bt.event.EventSource;
import bt.event.PeerBitfieldUpdatedEvent;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.HandshakeHandler;
import bt.net.PeerConnection;
import bt.net.PeerId;
import bt.protocol.Handshake;
import org.bitweb.address.Hex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Which torrents another peer holds in full, from what the peers themselves say: the bitfield a
 * peer sends when a connection opens and the {@code have} message it sends for each piece it gets
 * afterwards (a BitWeb visitor sends no bitfield but does send haves). bt parses both into one
 * bitfield per connection and reports each change as a {@link PeerBitfieldUpdatedEvent}; this
 * notes, per torrent, the most pieces one other peer was seen to hold, and tells its listeners
 * the first time one held them all. A key site's publisher or seeder uses that to stop seeding
 * the site's older versions once the current one has a copy elsewhere ({@link KeySites}).
 *
 * <p>A connection to this engine itself shows this engine's own pieces, not a copy elsewhere.
 * bt drops a peer whose address and port are its own listening ones, but not its own announce
 * coming back from the DHT under the machine's public or LAN address. Such connections are
 * recognised by the handshake's peer id, which is this engine's own, and ignored.
 *
 * <p>What is noted stays in memory for the engine's life, one entry per torrent a peer told about.
 */
public final class CopiesElsewhere implements HandshakeHandler {
    private static final Logger log = LoggerFactory.getLogger(CopiesElsewhere.class);

    /** This engine's peer id, as its own handshakes carry it (the same for every connection). */
    private volatile PeerId own;
    /** Open connections whose far end is this engine. */
    private final Set<ConnectionKey> self = ConcurrentHashMap.newKeySet();
    private final Map<TorrentId, Integer> mostPieces = new ConcurrentHashMap<>();
    private final Set<TorrentId> complete = ConcurrentHashMap.newKeySet();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** Follows bt's peer events; bt must also call this as a handshake handler. */
    public void listen(EventSource events) {
        events.onPeerBitfieldUpdated(null, this::bitfieldUpdated);
        events.onPeerDisconnected(null, e -> self.remove(e.getConnectionKey()));
    }

    /** Called, on bt's message thread, with a torrent's infohash the first time another peer holds all its pieces. */
    void onComplete(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Whether another peer was seen holding every piece of the torrent since the engine started. */
    boolean complete(String infohash) {
        return complete.contains(torrentId(infohash));
    }

    /** The most pieces of the torrent one other peer was seen to hold (0 if none told). */
    int mostPieces(String infohash) {
        return mostPieces.getOrDefault(torrentId(infohash), 0);
    }

    @Override
    public void processOutgoingHandshake(Handshake handshake) {
        own = handshake.getPeerId();
    }

    @Override
    public void processIncomingHandshake(PeerConnection connection, Handshake peerHandshake) {
        // bt calls processOutgoingHandshake first on both incoming and outgoing connections
        if (peerHandshake.getPeerId().equals(own)) {
            self.add(new ConnectionKey(connection.getRemotePeer(), connection.getRemotePort(), connection.getTorrentId()));
            log.debug("a connection to this engine itself ({}): its pieces are not a copy elsewhere", connection.getRemotePeer());
        }
    }

    void bitfieldUpdated(PeerBitfieldUpdatedEvent event) {
        ConnectionKey connection = event.getConnectionKey();
        if (self.contains(connection)) {
            return;
        }
        Bitfield pieces = event.getBitfield();
        int held = pieces.getPiecesComplete();
        TorrentId torrent = connection.getTorrentId();
        mostPieces.merge(torrent, held, Math::max);
        if (pieces.getPiecesTotal() > 0 && held == pieces.getPiecesTotal() && complete.add(torrent)) {
            String infohash = Hex.encode(torrent.getBytes());
            log.debug("another peer holds all {} pieces of {}", held, infohash); // which sites: debug only
            for (Consumer<String> listener : listeners) {
                try {
                    listener.accept(infohash);
                } catch (RuntimeException e) {
                    log.warn("copy listener failed: {}", e.toString());
                }
            }
        }
    }

    private static TorrentId torrentId(String infohash) {
        return TorrentId.fromBytes(Hex.decode(infohash));
    }
}
