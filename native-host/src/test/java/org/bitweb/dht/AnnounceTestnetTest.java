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
