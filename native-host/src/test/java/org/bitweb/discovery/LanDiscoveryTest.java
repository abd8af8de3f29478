package org.bitweb.discovery;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.peer.PeerSource;
import org.bitweb.address.Hex;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LAN discovery's logic without sockets (no test may multicast on the LAN of the machine running
 * it; {@code LanDiscoveryTestnetTest} does so inside the testnet namespace): when shared sites are
 * due, what is kept of what the LAN says, and how it reaches bt.
 */
class LanDiscoveryTest {
    private static final String A = "0123456789abcdef0123456789abcdef01234567";
    private static final String B = "fedcba9876543210fedcba9876543210fedcba98";
    private static final TorrentId TA = TorrentId.fromBytes(Hex.decode(A));
    private static final TorrentId TB = TorrentId.fromBytes(Hex.decode(B));

    private static InetSocketAddress lan(int host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[]{(byte) 192, (byte) 168, 1, (byte) host}), port);
    }

    private static byte[] announce(int port, String cookie, String... infohashes) {
        return LanAnnounce.format(LanDiscovery.IPV4.host(), port, List.of(infohashes), cookie).get(0);
    }

    private static LanDiscovery discovery() throws Exception {
        return new LanDiscovery(Set::of, 47801, InetAddress.getByAddress(new byte[]{(byte) 192, (byte) 168, 1, 2}));
    }

    @Test
    void aSharedSiteIsDueAtOnceThenOncePerInterval() {
        LanDiscovery.Schedule schedule = new LanDiscovery.Schedule(60_000);
        assertEquals(List.of(), schedule.due(List.of(), 0));
        assertEquals(List.of(TA), schedule.due(List.of(TA), 1_000), "newly shared: at once");
        assertEquals(List.of(), schedule.due(List.of(TA), 2_000));
        assertEquals(List.of(TB), schedule.due(List.of(TA, TB), 30_000), "a second site does not wait for the first");
        assertEquals(List.of(), schedule.due(List.of(TA, TB), 60_999));
        assertEquals(List.of(TA), schedule.due(List.of(TA, TB), 61_000), "a minute after its last announce");
        assertEquals(List.of(TB), schedule.due(List.of(TA, TB), 90_000));
    }

    @Test
    void withdrawingAndSharingAgainDoesNotAnnounceSoonerThanTheInterval() {
        LanDiscovery.Schedule schedule = new LanDiscovery.Schedule(60_000);
        assertEquals(List.of(TA), schedule.due(List.of(TA), 0));
        assertEquals(List.of(), schedule.due(List.of(), 10_000), "withdrawn: not announced");
        assertEquals(List.of(), schedule.due(List.of(TA), 20_000), "shared again within the minute: waits");
        assertEquals(List.of(TA), schedule.due(List.of(TA), 60_000));
        assertEquals(List.of(), schedule.due(List.of(), 200_000), "withdrawn: never announced again");
    }

    @Test
    void heardPeersAreBoundedAndExpire() throws Exception {
        LanDiscovery.Heard heard = new LanDiscovery.Heard(3, 2, 1_000);
        heard.add(TA, lan(1, 1), 0);
        heard.add(TA, lan(2, 1), 10);
        heard.add(TA, lan(1, 1), 20); // heard again: now the newest
        heard.add(TA, lan(3, 1), 30); // over the per-torrent cap: the oldest (192.168.1.2) goes
        assertEquals(List.of(lan(1, 1), lan(3, 1)), heard.peers(TA, 40));
        for (int i = 0; i < 10; i++) {
            heard.add(TorrentId.fromBytes(Hex.decode(String.format("%040x", i))), lan(9, 9), 50 + i);
        }
        assertEquals(3, heard.torrents(), "at most 3 torrents");
        assertEquals(List.of(), heard.peers(TA, 100), "the least recent torrent went first");

        heard.add(TB, lan(4, 4), 1_000);
        heard.add(TB, lan(5, 5), 1_500);
        assertEquals(List.of(lan(5, 5)), heard.peers(TB, 2_000), "a peer not heard again for the TTL expires");
        heard.prune(10_000);
        assertEquals(0, heard.torrents(), "pruning drops what expired");
    }

    @Test
    void aTorrentAskedForStaysWhileAFloodOfOthersComesIn() throws Exception {
        LanDiscovery.Heard heard = new LanDiscovery.Heard(4, 2, 1_000_000);
        heard.add(TA, lan(1, 1), 0);
        for (int i = 0; i < 100; i++) {
            assertEquals(List.of(lan(1, 1)), heard.peers(TA, i), "bt asks every round: it stays recent");
            heard.add(TorrentId.fromBytes(Hex.decode(String.format("%040x", i))), lan(9, 9), i);
            heard.add(TorrentId.fromBytes(Hex.decode(String.format("%040x", 1000 + i))), lan(9, 9), i);
        }
        assertEquals(4, heard.torrents());
    }

    @Test
    void anAnnounceFromTheLanBecomesPeersOfEachTorrentItNames() throws Exception {
        LanDiscovery lan = discovery();
        byte[] datagram = announce(6881, "other", A, B);
        lan.heard(lan(7, 40000), datagram, datagram.length, 0);
        assertEquals(List.of(lan(7, 6881)), lan.heardPeers(TA, 1), "the source address, the announced port");
        assertEquals(List.of(lan(7, 6881)), lan.heardPeers(TB, 1));
        lan.close();
    }

    @Test
    void ourOwnAnnouncesAndHostileDatagramsAddNothing() throws Exception {
        LanDiscovery lan = discovery();
        byte[] own = announce(47801, lan.cookie(), A);
        lan.heard(lan(2, 50000), own, own.length, 0);
        List<byte[]> hostile = List.of(
                new byte[0],
                new byte[LanAnnounce.MAX_DATAGRAM + 1],
                "BT-SEARCH * HTTP/1.1\r\nPort: 70000\r\nInfohash: " .concat(A).concat("\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: zz".concat(A.substring(2)).concat("\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                "\u0000\u00ff garbage".getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] datagram : hostile) {
            lan.heard(lan(66, 6771), datagram, datagram.length, 0);
        }
        byte[] fromNowhere = announce(1, "x", A);
        lan.heard(new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 1), fromNowhere, fromNowhere.length, 0);
        lan.heard(new InetSocketAddress(InetAddress.getByAddress(new byte[]{(byte) 239, (byte) 192, (byte) 152, (byte) 143}), 1),
                fromNowhere, fromNowhere.length, 0);
        assertEquals(List.of(), lan.heardPeers(TA, 1));
        lan.close();
    }

    @Test
    void nothingIsOfferedToBtWhileStopped() throws Exception {
        LanDiscovery lan = discovery();
        byte[] datagram = announce(6881, "other", A);
        lan.heard(lan(7, 40000), datagram, datagram.length, 0);
        assertFalse(lan.running());
        assertFalse(lan.getPeerSource(TA).update(), "not started: no LAN peers");
        lan.close();
    }

    @Test
    void thePeerSourceOffersEveryPeerEachRoundInAListBtMayEmpty() throws Exception {
        List<InetSocketAddress> peers = new ArrayList<>(List.of(lan(1, 10), lan(2, 20)));
        PeerSource source = LanDiscovery.source(() -> List.copyOf(peers));
        for (int round = 0; round < 2; round++) {
            assertTrue(source.update());
            Collection<Peer> offered = source.getPeers();
            Set<InetSocketAddress> seen = new HashSet<>();
            // what bt's PeerRegistry does with it: reads and removes each entry
            for (var it = offered.iterator(); it.hasNext(); ) {
                Peer peer = it.next();
                seen.add(new InetSocketAddress(peer.getInetAddress(), peer.getPort()));
                it.remove();
            }
            assertEquals(Set.copyOf(peers), seen, "round " + round);
        }
        peers.clear();
        assertFalse(source.update());
    }
}
