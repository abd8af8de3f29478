package org.bitweb.engine;

import org.bitweb.dht.DhtNode;
import org.bitweb.dht.DhtStats;
import org.bitweb.site.Publisher;
import org.bitweb.testing.TestnetEngineTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An engine seeding 1,000 sites on the 16-node testnet keeps talking to the DHT. Before the
 * node's announce budget covered the comments' topics, their 1,000 announces in one round left
 * over a hundred requests per testnet node held back in mldht's per-address throttle (half a
 * second each over ten): no DHT packet went out from a few seconds after publishing until about
 * 40 s later, then 256 at once and silence again (docs/DHT.md, "The announce budget").
 */
class ManySeededSitesTestnetTest extends TestnetEngineTest {
    private static final int SITES = 1_000;
    private static final int PACKETS = 600;
    /** Longest time with no DHT packet sent that counts as steady (announces end within 1-3 s each). */
    private static final Duration MAX_GAP = Duration.ofSeconds(5);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aThousandSeededSitesAreAnnouncedSteadilyNotInABurstThatStallsTheNode() throws Exception {
        Engine engine = testnet.engine("seeder");
        DhtNode dht = engine.dht().orElseThrow();
        for (int i = 0; i < SITES; i++) {
            Path folder = Files.createDirectories(temp.resolve("sites").resolve("site-" + i));
            Files.writeString(folder.resolve("index.html"), "<h1>site " + i + "</h1>");
            engine.publish(folder, Publisher.Progress.NONE);
        }
        // packets keep going out and answers coming back: at the budget's 2 announces a second
        // (about 35 packets each way per announce) 600 take about 10-20 s; none of the gaps between
        // two sent packets may be as long as mldht's held-back requests made them
        DhtStats start = dht.stats();
        long lastSent = start.packetsSent();
        long lastChange = System.nanoTime();
        long deadline = lastChange + DEADLINE.toNanos();
        long longestGap = 0;
        while (true) {
            DhtStats now = dht.stats();
            long t = System.nanoTime();
            if (now.packetsSent() != lastSent) {
                lastSent = now.packetsSent();
                lastChange = t;
            }
            longestGap = Math.max(longestGap, t - lastChange);
            String state = (now.packetsSent() - start.packetsSent()) + " packets sent and "
                    + (now.packetsReceived() - start.packetsReceived()) + " received since the sites were published";
            assertTrue(t - lastChange < MAX_GAP.toNanos(), "no DHT packet sent for " + MAX_GAP + "; " + state);
            if (now.packetsSent() - start.packetsSent() >= PACKETS && now.packetsReceived() - start.packetsReceived() >= PACKETS / 2) {
                break;
            }
            assertTrue(t - deadline < 0, "not within " + DEADLINE + ": " + state);
            Thread.sleep(50);
        }
        assertTrue(longestGap < MAX_GAP.toNanos(), "longest gap " + Duration.ofNanos(longestGap));
    }
}
