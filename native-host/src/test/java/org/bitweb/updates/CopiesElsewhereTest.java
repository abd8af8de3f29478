package org.bitweb.updates;

import bt.data.PeerBitfield;
import bt.event.PeerBitfieldUpdatedEvent;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.net.PeerId;
import bt.protocol.BitOrder;
import bt.protocol.Handshake;
import bt.protocol.Message;
import org.bitweb.address.Hex;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What counts as a copy elsewhere, fed the handshakes and bitfield updates bt would report: every
 * piece at one other peer, told by a bitfield or by haves one at a time, and never this engine's
 * own pieces seen over a connection to itself.
 */
class CopiesElsewhereTest {
    private static final String IH = "0123456789abcdef0123456789abcdef01234567";
    private static final TorrentId TORRENT = TorrentId.fromBytes(Hex.decode(IH));
    private static final int PIECES = 10;
    private static final PeerId OWN = peerId('a');
    private static final PeerId OTHER = peerId('b');

    private final CopiesElsewhere copies = new CopiesElsewhere();
    private final List<String> told = new ArrayList<>();

    CopiesElsewhereTest() {
        copies.onComplete(told::add);
    }

    private static PeerId peerId(char c) {
        byte[] id = new byte[PeerId.length()];
        Arrays.fill(id, (byte) c);
        return PeerId.fromBytes(id);
    }

    private static ConnectionKey connection(int port) throws Exception {
        return new ConnectionKey(InetPeer.build(InetAddress.getByName("192.0.2.1"), port), port, TORRENT);
    }

    /** bt's handshake handler calls for a connection whose far end says it is {@code peer}. */
    private void handshake(ConnectionKey key, PeerId peer) throws Exception {
        copies.processOutgoingHandshake(new Handshake(new byte[8], TORRENT, OWN));
        copies.processIncomingHandshake(new Connection(key), new Handshake(new byte[8], TORRENT, peer));
    }

    private void update(ConnectionKey key, PeerBitfield bitfield) {
        copies.bitfieldUpdated(new PeerBitfieldUpdatedEvent(1, 1, key, bitfield) {
        });
    }

    private static PeerBitfield all() {
        byte[] bits = new byte[(PIECES + 7) / 8];
        Arrays.fill(bits, (byte) 0xff);
        return new PeerBitfield(bits, BitOrder.LITTLE_ENDIAN, PIECES);
    }

    @Test
    void aPeerWithEveryPieceInItsBitfieldIsACopyElsewhere() throws Exception {
        ConnectionKey key = connection(6881);
        handshake(key, OTHER);
        assertFalse(copies.complete(IH));
        update(key, all());
        assertTrue(copies.complete(IH));
        assertEquals(PIECES, copies.mostPieces(IH));
        assertEquals(List.of(IH), told);
        update(key, all());
        assertEquals(List.of(IH), told, "told once");
    }

    @Test
    void haveMessagesCountOneByOneUntilTheLastPiece() throws Exception {
        ConnectionKey key = connection(6882);
        handshake(key, OTHER);
        PeerBitfield pieces = new PeerBitfield(PIECES); // a BitWeb visitor sends no bitfield, only haves
        for (int i = 0; i < PIECES - 1; i++) {
            pieces.markPeerPieceVerified(i);
            update(key, pieces);
        }
        assertFalse(copies.complete(IH), "one piece short");
        assertEquals(PIECES - 1, copies.mostPieces(IH));
        assertEquals(List.of(), told);
        pieces.markPeerPieceVerified(PIECES - 1);
        update(key, pieces);
        assertTrue(copies.complete(IH));
    }

    @Test
    void thisEnginesOwnPiecesOverAConnectionToItselfAreNotACopy() throws Exception {
        ConnectionKey self = connection(6883);
        handshake(self, OWN);
        update(self, all());
        assertFalse(copies.complete(IH));
        assertEquals(0, copies.mostPieces(IH));
        assertEquals(List.of(), told);
    }

    /** The little of a connection a handshake handler reads. */
    private record Connection(ConnectionKey key) implements PeerConnection {
        @Override
        public Peer getRemotePeer() {
            return key.getPeer();
        }

        @Override
        public int getRemotePort() {
            return key.getRemotePort();
        }

        @Override
        public TorrentId setTorrentId(TorrentId torrentId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TorrentId getTorrentId() {
            return key.getTorrentId();
        }

        @Override
        public Message readMessageNow() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Message readMessage(long timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void postMessage(Message message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getLastActive() {
            return 0;
        }

        @Override
        public void closeQuietly() {
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
