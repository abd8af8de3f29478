package org.bitweb.dht;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Announces on a testnet of stock mldht nodes, where who stores what is read from each node.
 *
 * <p>The cause of the {@code MixedTestnetTest} flake (8 sites announced at once, some on 2 of their
 * 8 closest nodes): every announce's lookup asks the same closest nodes, and mldht's {@code
 * PeerLookupTask} <em>leaves out</em> every node our own outgoing throttle counts 10 recent
 * requests to (it marks it "throttled" when it enters the candidate list). A lookup that started a
 * moment after the others therefore never asked the closest nodes and announced to farther ones.
 */
@Tag("testnet")
class AnnounceTestnetTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void anAnnounceRightAfterABurstOfOurRequestsToTheClosestNodesStillReachesThem() throws Exception {
        try (Testnet net = Testnet.start(20)) {
            net.awaitRoutingTables(DhtNode.HEALTHY_TABLE, Duration.ofSeconds(20));
            InetAddress mine = Testnet.allocateAddress();
            InetAddress probeAddress = Testnet.allocateAddress();
            try (DhtNode alice = DhtNode.start(Testnet.config(mine, net.bootstrapNodes(), null));
                 Krpc probe = new Krpc(probeAddress)) {
                byte[] infohash = new byte[20];
                RANDOM.nextBytes(infohash);
                Map<DhtNode, byte[]> ids = new HashMap<>();
                for (DhtNode node : net.nodes()) {
                    ids.put(node, probe.ping(node.localAddress()).orElseThrow(() -> new AssertionError(node + " did not answer a ping")));
                }
                List<DhtNode> closest = net.nodes().stream()
                        .sorted(Comparator.comparing(ids::get, (a, b) -> distanceOrder(a, b, infohash))).limit(8).toList();
                Testnet.await("alice to join", Duration.ofSeconds(20), () -> alice.stats().routingTable() >= DhtNode.HEALTHY_TABLE,
                        () -> alice.stats().toString());

                // what 8 sites announced at once do to their shared closest nodes: a burst of 12
                // requests to each (a get_peers and an announce_peer per site)
                for (DhtNode node : closest) {
                    for (int i = 0; i < 12; i++) {
                        alice.ping(node.localAddress());
                    }
                }
                int port = 42_000 + RANDOM.nextInt(1000);
                AnnounceResult result = alice.announce(infohash, port, TIMEOUT).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);

                InetSocketAddress peer = new InetSocketAddress(mine, port);
                List<String> holding = closest.stream().map(n -> n.localAddress().getAddress().getHostAddress()
                        + (n.storedPeers(infohash).contains(peer) ? "+" : "-")).toList();
                long stored = holding.stream().filter(h -> h.endsWith("+")).count();
                assertTrue(stored >= 7, "stored on " + stored + " of the 8 closest " + holding + "; " + result);
            } finally {
                Testnet.releaseAddress(mine);
                Testnet.releaseAddress(probeAddress);
            }
        }
    }

    /**
     * A re-announce starts at the nodes that took the last announce. The target is in the half of
     * the id space away from our own id, where our routing table keeps only a bucket's 8 of the
     * network's nodes, so a lookup from the routing table walks there through other nodes first;
     * the re-announce asks the 8 that stored the first announce and, their answers naming nobody
     * closer, no one else; it stores on them again, with fresh tokens. (On this small network our
     * routing table often knows the closest nodes anyway, so the bound on requests holds from the
     * routing table too; what remembers them is checked directly.)
     */
    @Test
    void aReannounceAsksTheNodesThatTookTheLastAnnounceAndNobodyElse() throws Exception {
        try (Testnet net = Testnet.start(40)) {
            net.awaitRoutingTables(DhtNode.HEALTHY_TABLE, Duration.ofSeconds(30));
            InetAddress mine = Testnet.allocateAddress();
            try (DhtNode alice = DhtNode.start(Testnet.config(mine, net.bootstrapNodes(), null))) {
                Testnet.await("alice to join", Duration.ofSeconds(20), () -> alice.stats().routingTable() >= DhtNode.HEALTHY_TABLE,
                        () -> alice.stats().toString());
                byte[] infohash = new byte[20];
                RANDOM.nextBytes(infohash);
                byte[] own = alice.nodeId();
                infohash[0] = (byte) ((own[0] & 0x80) ^ 0x80 | (infohash[0] & 0x7f)); // the far half
                int port = 42_000 + RANDOM.nextInt(1000);
                InetSocketAddress peer = new InetSocketAddress(mine, port);

                AnnounceResult first = alice.announce(infohash, port, TIMEOUT).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
                int firstRequests = alice.lastAnnounceRequests();
                List<DhtNode> holders = net.nodes().stream().filter(n -> n.storedPeers(infohash).contains(peer)).toList();
                assertTrue(first.storedOn() >= 7 && holders.size() >= 7, "first announce: " + first + " held by " + holders);
                assertEquals(holders.stream().map(DhtNode::localAddress).collect(Collectors.toSet()), alice.rememberedHolders(infohash),
                        "where the next announce starts");

                // the nodes forget it (as after their 30-60 min), so holding it again shows the re-announce reached them
                net.nodes().forEach(n -> n.forgetPeers());
                AnnounceResult again = alice.announce(infohash, port, TIMEOUT).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
                int againRequests = alice.lastAnnounceRequests();
                List<DhtNode> holdingAgain = net.nodes().stream().filter(n -> n.storedPeers(infohash).contains(peer)).toList();
                long sameAgain = holders.stream().filter(holdingAgain::contains).count();
                assertTrue(again.storedOn() >= 7 && sameAgain >= 7, "re-announce: " + again + " held by " + holdingAgain
                        + ", first by " + holders);
                assertTrue(againRequests <= ItemLookup.K + 1, "the re-announce's lookup sent " + againRequests
                        + " get_peers (the first: " + firstRequests + ")");
            } finally {
                Testnet.releaseAddress(mine);
            }
        }
    }

    private static int distanceOrder(byte[] a, byte[] b, byte[] target) {
        for (int i = 0; i < 20; i++) {
            int x = (a[i] ^ target[i]) & 0xff;
            int y = (b[i] ^ target[i]) & 0xff;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }
}
