package org.bitweb.discovery;

import bt.metainfo.TorrentId;
import org.bitweb.discovery.PeerHintPolicy.Scope;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which peers named in a link the engine may dial (issue 12, item 5): no LAN scan from a page. */
class PeerHintPolicyTest {

    /** {@code IP:port} or {@code [IPv6]:port}, literals only (SiteLink.peer refuses the dotted IPv6 forms). */
    private static InetSocketAddress peer(String text) {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(text.substring(colon + 1)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Test
    void everyAddressHasTheScopeItReaches() {
        Map<String, Scope> cases = new java.util.LinkedHashMap<>();
        // the internet
        cases.put("8.8.8.8:6881", Scope.PUBLIC);
        cases.put("1.1.1.1:1", Scope.PUBLIC);
        cases.put("[2a00:1450:4001::1]:6881", Scope.PUBLIC);
        cases.put("[2002:808:808::1]:6881", Scope.PUBLIC); // 6to4 of 8.8.8.8
        // this machine
        cases.put("127.0.0.1:6881", Scope.LOOPBACK);
        cases.put("127.255.0.9:80", Scope.LOOPBACK);
        cases.put("[::1]:6881", Scope.LOOPBACK);
        cases.put("[::ffff:127.0.0.1]:22", Scope.LOOPBACK); // IPv4-mapped
        cases.put("[::127.0.0.1]:22", Scope.LOOPBACK); // IPv4-compatible
        cases.put("[64:ff9b::127.0.0.1]:22", Scope.LOOPBACK); // NAT64
        // its networks
        cases.put("10.0.0.1:80", Scope.LOCAL);
        cases.put("172.16.0.1:80", Scope.LOCAL);
        cases.put("172.31.255.254:80", Scope.LOCAL);
        cases.put("192.168.1.1:80", Scope.LOCAL);
        cases.put("169.254.169.254:80", Scope.LOCAL); // link-local, cloud metadata
        cases.put("100.64.0.1:80", Scope.LOCAL); // carrier-grade NAT
        cases.put("198.18.0.5:6881", Scope.LOCAL); // benchmarking (the DHT testnet's)
        cases.put("[fe80::1]:80", Scope.LOCAL);
        cases.put("[fd00::1]:80", Scope.LOCAL);
        cases.put("[fc00::1]:80", Scope.LOCAL);
        cases.put("[fec0::1]:80", Scope.LOCAL);
        cases.put("[::ffff:192.168.1.1]:80", Scope.LOCAL);
        cases.put("[2002:c0a8:101::1]:80", Scope.LOCAL); // 6to4 of 192.168.1.1
        // never a peer
        cases.put("0.0.0.0:6881", Scope.NEVER);
        cases.put("0.1.2.3:6881", Scope.NEVER);
        cases.put("[::]:6881", Scope.NEVER);
        cases.put("224.0.0.1:6881", Scope.NEVER);
        cases.put("239.192.152.143:6771", Scope.NEVER);
        cases.put("255.255.255.255:6881", Scope.NEVER);
        cases.put("240.0.0.1:6881", Scope.NEVER);
        cases.put("[ff02::1]:6881", Scope.NEVER);
        cases.put("[ff15::efc0:988f]:6771", Scope.NEVER);
        // neighbours of the ranges stay public
        cases.put("172.15.255.255:80", Scope.PUBLIC);
        cases.put("172.32.0.0:80", Scope.PUBLIC);
        cases.put("100.63.255.255:80", Scope.PUBLIC);
        cases.put("100.128.0.0:80", Scope.PUBLIC);
        cases.put("198.17.255.255:80", Scope.PUBLIC);
        cases.put("198.20.0.0:80", Scope.PUBLIC);
        cases.put("223.255.255.255:80", Scope.PUBLIC);
        cases.forEach((text, scope) -> assertEquals(scope, PeerHintPolicy.scope(peer(text)), text));
    }

    @Test
    void aPortOutsideOneTo65535IsNeverDialled() {
        assertEquals(Scope.NEVER, PeerHintPolicy.scope(new InetSocketAddress(peer("8.8.8.8:1").getAddress(), 0)));
        assertEquals(Scope.NEVER, PeerHintPolicy.scope(InetSocketAddress.createUnresolved("example.com", 6881)));
        assertEquals(List.of(), PeerHintPolicy.userNamed(List.of(new InetSocketAddress(peer("8.8.8.8:1").getAddress(), 0))));
    }

    @Test
    void aLinkKeepsOnlyPublicHintsUnlessTheirScopeIsAllowed() {
        List<InetSocketAddress> named = List.of(peer("192.168.1.1:80"), peer("8.8.8.8:6881"), peer("127.0.0.1:22"),
                peer("224.0.0.1:1"), peer("[fe80::1]:80"), peer("[2a00:1450:4001::1]:6881"));
        assertEquals(List.of(peer("8.8.8.8:6881"), peer("[2a00:1450:4001::1]:6881")),
                PeerHintPolicy.admit(named, Set.of()));
        assertEquals(List.of(peer("8.8.8.8:6881"), peer("127.0.0.1:22"), peer("[2a00:1450:4001::1]:6881")),
                PeerHintPolicy.admit(named, Set.of(Scope.LOOPBACK)), "a page that came from this machine");
        assertEquals(List.of(peer("192.168.1.1:80"), peer("8.8.8.8:6881"), peer("[fe80::1]:80"), peer("[2a00:1450:4001::1]:6881")),
                PeerHintPolicy.admit(named, Set.of(Scope.LOCAL)), "a page that came from the LAN");
        assertEquals(5, PeerHintPolicy.admit(named, EnumSet.allOf(Scope.class)).size(), "multicast never, whatever is allowed");
        assertEquals(5, PeerHintPolicy.userNamed(named).size(), "what the user typed: anything but what can never be a peer");
    }

    @Test
    void aLinkNamesAHandfulAtMost() {
        List<InetSocketAddress> named = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            named.add(peer("8.8." + (i / 250) + "." + (i % 250) + ":6881"));
            named.add(peer("8.8." + (i / 250) + "." + (i % 250) + ":6881")); // duplicates count once
        }
        List<InetSocketAddress> admitted = PeerHintPolicy.admit(named, Set.of());
        assertEquals(PeerHintPolicy.MAX, admitted.size());
        assertEquals(named.get(0), admitted.get(0), "the first ones named, in order");
        assertEquals(PeerHintPolicy.MAX, PeerHintPolicy.userNamed(named).size());
        assertTrue(PeerHintPolicy.MAX >= 4 && PeerHintPolicy.MAX <= 16, "a handful: " + PeerHintPolicy.MAX);
    }

    @Test
    void aSiteHoldsAHandfulOfHintsTheNewestWhateverHowOftenItIsAsked() {
        PeerHints hints = new PeerHints();
        TorrentId torrent = TorrentId.fromBytes(new byte[20]);
        List<InetSocketAddress> all = new ArrayList<>();
        for (int round = 0; round < 50; round++) {
            List<InetSocketAddress> these = new ArrayList<>();
            for (int i = 0; i < PeerHintPolicy.MAX; i++) {
                these.add(peer("8.8." + round + "." + (i + 1) + ":6881"));
            }
            all.addAll(these);
            hints.add(torrent, these);
            assertEquals(PeerHintPolicy.MAX, hints.of(torrent).size(), "round " + round);
        }
        assertEquals(all.subList(all.size() - PeerHintPolicy.MAX, all.size()), hints.of(torrent), "the newest");
        assertEquals(PeerHintPolicy.MAX, hints.getPeerSource(torrent).getPeers().size(), "what bt is given");
        hints.add(torrent, List.of(all.get(all.size() - PeerHintPolicy.MAX)));
        assertEquals(all.get(all.size() - PeerHintPolicy.MAX), hints.of(torrent).get(PeerHintPolicy.MAX - 1),
                "named again: newest again");
    }
}
